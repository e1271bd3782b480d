import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Where webhooks may go. In production only public addresses over https: a webhook must not be a
 * way to make the server call its own network (SSRF). With `allowPrivateAddresses` (development,
 * tests, or WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true) private and loopback addresses are allowed too,
 * and plain http to loopback only (a receiver on the same machine).
 */

const privateRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  privateRanges.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  privateRanges.addSubnet(network, prefix, "ipv6");

const loopbackRanges = new BlockList();
loopbackRanges.addSubnet("127.0.0.0", 8, "ipv4");
loopbackRanges.addAddress("::1", "ipv6");

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address. */
function unmapped(address: string): [string, "ipv4" | "ipv6"] {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return [mapped[1], "ipv4"];
  return [address, isIP(address) === 6 ? "ipv6" : "ipv4"];
}

export function isPrivateAddress(address: string): boolean {
  return privateRanges.check(...unmapped(address));
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();

/** Names that never leave the machine or the local network. */
const isLocalName = (host: string) =>
  host === "localhost" ||
  host.endsWith(".localhost") ||
  host.endsWith(".local") ||
  host.endsWith(".internal") ||
  !host.includes(".");

function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return isIP(host) !== 0 && loopbackRanges.check(...unmapped(host));
}

/** Why an address may not receive webhooks (a catalogue key), or null when it may. */
export function refusedWebhookUrl(
  value: string,
  allowPrivateAddresses: boolean,
): "validation.webhookUrl" | "validation.webhookHttps" | "validation.webhookPrivate" | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "validation.webhookUrl";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "validation.webhookHttps";
  if (url.username || url.password || !url.hostname) return "validation.webhookUrl";
  const host = hostOf(url);
  if (url.protocol === "http:" && !(allowPrivateAddresses && isLoopbackHost(host)))
    return "validation.webhookHttps";
  if (allowPrivateAddresses) return null;
  if (isIP(host) !== 0 ? isPrivateAddress(host) : isLocalName(host))
    return "validation.webhookPrivate";
  return null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup for sending: a name that resolves to a private address (however it was
 * registered, or if its DNS changed since) is refused at connection time, not only when saved.
 */
export function guardedLookup(allowPrivateAddresses: boolean) {
  return (hostname: string, options: object, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((a) => !allowPrivateAddresses && isPrivateAddress(a.address));
      if (refused) {
        const denied = Object.assign(
          new Error(`${hostname} resolves to a private address (${refused.address})`),
          { code: "EPRIVATEADDRESS" },
        );
        return callback(denied, []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
