/**
 * The import rule between the code's rooms (docs/decisions/0009-rooms-and-event-flow.md):
 * - `common/` runs in the browser and on the server: it imports neither `app/` nor `server/`;
 * - `server/`, `db/` and `scripts/` never import `app/`;
 * - `app/` imports only types from `server/`, except Remix's server-side modules (routes, whose
 *   loaders and actions run on the server, `*.server.ts`, `root.tsx`, `entry.server.tsx`).
 * Tests and benchmarks may import anything (they drive the browser's provider, for one).
 * And one rule of the event flow (docs/decisions/0010-domain-events.md): only the dispatcher
 * publishes to the event bus; commands record their events with recordEvent.
 * Run by `npm run lint`; prints each offending import and exits 1.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const importPattern = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["'](\.{1,2}\/[^"']+)["']/gm;
const dynamicImportPattern = /import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

function roomOf(path: string): string {
  return normalize(path).split("/")[0];
}

function isServerSideAppModule(path: string): boolean {
  return (
    path.startsWith("app/routes/") ||
    path.endsWith(".server.ts") ||
    path === "app/root.tsx" ||
    path === "app/entry.server.tsx" ||
    path === "app/env.d.ts"
  );
}

function violation(file: string, target: string, typeOnly: boolean): string | undefined {
  const from = roomOf(file);
  const to = roomOf(target);
  if (from === to || (to !== "app" && to !== "server")) return undefined;
  if (from === "common") return `common/ may not import ${to}/`;
  if (to === "app") return `${from}/ may not import app/`;
  if (from === "app" && !typeOnly && !isServerSideAppModule(file))
    return "app/ imports only types from server/ outside its server-side modules";
  return undefined;
}

// The bus's own definition, and the one module that calls it.
const PUBLISHERS = new Set(["server/bus.ts", "server/events/dispatcher.ts"]);
const publishPattern = /\bpublish\s*\(/;

const problems: string[] = [];
for (const room of ["app", "common", "server", "db", "scripts"]) {
  for (const file of sourceFiles(room)) {
    const source = readFileSync(join(root, file), "utf8");
    if (!PUBLISHERS.has(file) && publishPattern.test(source))
      problems.push(
        `${file}: publishes an event — only server/events/dispatcher.ts does, after COMMIT; a command records it with recordEvent`,
      );
    const imports = [
      ...[...source.matchAll(importPattern)].map((m) => ({ spec: m[3], typeOnly: Boolean(m[2]) })),
      ...[...source.matchAll(dynamicImportPattern)].map((m) => ({ spec: m[1], typeOnly: false })),
    ];
    for (const { spec, typeOnly } of imports) {
      const target = relative(root, join(root, dirname(file), spec));
      const problem = violation(file, target, typeOnly);
      if (problem) problems.push(`${file}: imports ${spec} — ${problem}`);
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} line(s) break the rule between rooms or of the event flow.`);
  process.exit(1);
}
