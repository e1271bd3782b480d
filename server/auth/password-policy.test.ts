import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * A fresh node process imports the password rule and reports which of zxcvbn's word lists were
 * loaded (as ES modules or with require), then checks one password and reports again.
 */
const probe = `
import { createRequire, register } from "node:module";
const seen = new Set();
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => seen.add(url));
port1.unref();
register("data:text/javascript," + encodeURIComponent(\`
  let port;
  export function initialize(data) { port = data.port; }
  export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
\`), { data: { port: port2 }, transferList: [port2] });
const { passwordWeakness } = await import(${JSON.stringify(path.resolve(import.meta.dirname, "password-policy.ts"))});
const require = createRequire(import.meta.url);
const lists = () =>
  [...seen, ...Object.keys(require.cache)].some((file) => file.includes("@zxcvbn-ts/language-common"));
// The loader thread posts the URLs it loaded; they arrive a moment after the import.
await new Promise((resolve) => setTimeout(resolve, 100));
const atImport = lists();
passwordWeakness("Sju-gula-trumpeter-blaser", []);
console.log(JSON.stringify({ atImport, afterCheck: lists() }));
`;

describe("zxcvbn's word lists", () => {
  it("are loaded by the first password check, not when the server starts", () => {
    const output = execFileSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", probe],
      { cwd: path.resolve(import.meta.dirname, "../.."), encoding: "utf8" },
    );
    expect(JSON.parse(output)).toEqual({ atImport: false, afterCheck: true });
  });
});
