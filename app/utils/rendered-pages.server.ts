import { createHash, randomBytes } from "node:crypto";
import type { EntryContext } from "@remix-run/node";
import { createSizedLru, keepComputed } from "../../server/sized-lru";

/**
 * Pages rendered once and given again while everything they are rendered from is the same
 * (ADR 0037). A page answered 200 is a function of its address, its loaders' data, the nonce and
 * the minute (relative times, "för 5 minuter sedan"); the key is a hash of all of these but the
 * nonce, so a page can never be given for other data than its own: what a loader reads afresh on
 * every request (unread notifications, the person's roles) is in the key by being in the data.
 * The nonce is rendered as a mark and each answer gets its own in its place.
 *
 * Only routes that ask for it (`handle = { keepRendered: true }`) and whose render does not wait
 * for anything (no Suspense) are kept: the overview, read far more often than it changes.
 */
export const NONCE_MARK = `nonce-${randomBytes(18).toString("base64url")}`;

/**
 * A kept page as UTF-8 bytes, cut where the nonce goes: it is sent without being encoded again.
 * Kept from the start of its render, so the views that come meanwhile wait for the one render.
 */
const pages = createSizedLru<{ value: Promise<Buffer[]> }>(8 * 2 ** 20);

export interface KeepRendered {
  keepRendered?: boolean;
}

/** The key a GET of a route that keeps its page is kept under, or null when it is not kept. */
export function keptPageKey(
  request: Request,
  status: number,
  context: EntryContext,
  now = Date.now(),
): string | null {
  const { matches, loaderData, actionData, errors } = context.staticHandlerContext;
  if (request.method !== "GET" || status !== 200 || errors || actionData) return null;
  const leaf = matches.at(-1)?.route.id;
  const handle = leaf ? (context.routeModules[leaf]?.handle as KeepRendered | undefined) : null;
  if (!handle?.keepRendered) return null;
  const minute = Math.floor(now / 60_000);
  return createHash("sha256")
    .update(JSON.stringify([request.url, minute, loaderData]))
    .digest("base64url");
}

/**
 * The kept page for `key` with `nonce` in it, rendering it (with the mark) when not kept. A render
 * takes the one thread for tens of milliseconds, so a page is rendered once however many ask for
 * it at once (at each new minute, or after a change, everyone watching the overview does).
 */
export async function keptPage(
  key: string,
  nonce: string,
  render: () => Promise<string>,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts = await (pages.get(key)?.value ??
    keepComputed(pages, key, { value: render().then(cutAtNonce) }, byteLength));
  const nonceBytes = Buffer.from(nonce, "utf8");
  const page = Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [nonceBytes, part])));
  return new Uint8Array(page.buffer as ArrayBuffer, page.byteOffset, page.byteLength);
}

const cutAtNonce = (html: string) =>
  html.split(NONCE_MARK).map((part) => Buffer.from(part, "utf8"));
const byteLength = (parts: Buffer[]) => parts.reduce((bytes, part) => bytes + part.length, 0);
