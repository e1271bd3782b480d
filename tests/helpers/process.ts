import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** A program the tests drive: the path in `variable` if set (null if missing), else the first candidate present. */
export function findProgram(variable: string, candidates: string[]): string | null {
  const configured = process.env[variable];
  if (configured) return existsSync(configured) ? configured : null;
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/** Whether tests needing a program run here; in CI a missing one is a failure, not a skip. */
export function programPresentUnlessCi(found: string | null, installHint: string): boolean {
  if (!found && process.env.CI) throw new Error(`CI is set but ${installHint}.`);
  return found !== null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far. */
  output(): string;
}

/**
 * `tsx server/index.ts` as its own process (node directly, so signals reach the server), started
 * with `env` over the test run's own environment minus its DATABASE_URL (a server meant to use
 * PGlite must not get it). Resolves when it listens; rejects with its output if it exits first.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${output}`));
    }, 120_000);
    const onData = () => {
      if (output.includes("is listening on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output };
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Runs a command to its end, as `npm run …` would, with `env` over the test run's environment
 * minus its DATABASE_URL (a variable set to `undefined` is left out) and `input` on stdin.
 */
export function runToEnd(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  input = "",
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...inherited, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
