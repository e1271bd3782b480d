import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
/** `npm start` runs this with node (vite.server.config.ts). */
export const SERVER_ENTRY = "build/node/start.js";
/** What the two builds write: the Remix app's server bundle and the compiled production server. */
const outputs = ["build/server/index.js", SERVER_ENTRY].map((file) => path.join(root, file));
const sources = [
  "app",
  "common",
  "server",
  "db",
  "scripts/start.ts",
  "vite.config.ts",
  "vite.server.config.ts",
  "package.json",
  "package-lock.json",
];

function newestModification(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target))
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  return newest;
}

const lockDir = path.join(root, ".cache/build.lock");

/** Parallel test runs share one build folder: one builds while the others wait. */
async function withBuildLock(work: () => void): Promise<void> {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock older than two minutes was left by a killed build.
      if (
        waited > 120_000 ||
        Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000
      ) {
        rmSync(lockDir, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the Remix app and the server when either is missing or a source file is newer. */
export async function buildIfNeeded(): Promise<void> {
  await withBuildLock(build);
}

function build(): void {
  const built = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const changed = Math.max(...sources.map((s) => newestModification(path.join(root, s))));
  if (built > changed) return;
  console.log("Building Samverkan (remix vite:build, vite build --config vite.server.config.ts)…");
  const run = (cli: string, ...args: string[]) =>
    execFileSync(process.execPath, [path.join(root, "node_modules", cli), ...args], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      // Always the production bundle: a test runner's NODE_ENV=test would ship React's
      // development build (larger, slower) to whoever starts the server next.
      env: { ...process.env, NODE_ENV: "production" },
    });
  run("@remix-run/dev/dist/cli.js", "vite:build");
  run("vite/bin/vite.js", "build", "--config", "vite.server.config.ts");
}

// `npm start` runs this file before the compiled server.
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildIfNeeded();
