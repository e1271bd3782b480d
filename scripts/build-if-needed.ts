import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const buildMarker = path.join(root, "build/server/index.js");
const sources = [
  "app",
  "common",
  "server",
  "db",
  "vite.config.ts",
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

/** Builds the Remix app when there is no build or a source file is newer than it. */
export async function buildIfNeeded(): Promise<void> {
  await withBuildLock(build);
}

function build(): void {
  const built = existsSync(buildMarker) ? statSync(buildMarker).mtimeMs : 0;
  const changed = Math.max(...sources.map((s) => newestModification(path.join(root, s))));
  if (built > changed) return;
  console.log("Building Samverkan (remix vite:build)…");
  execFileSync(
    process.execPath,
    [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
      // Always the production bundle: a test runner's NODE_ENV=test would ship React's
      // development build (larger, slower) to whoever starts the server next.
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
}
