import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exited, findProgram, programPresentUnlessCi, ROOT } from "./process";

const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx"];

/** Debian's nginx (or NGINX_PATH); null when there is none. */
export function findNginx(): string | null {
  return findProgram("NGINX_PATH", CANDIDATES);
}

/** Whether the proxy tests run here; in CI a missing nginx is a failure, not a skip. */
export function nginxTestsEnabled(): boolean {
  return programPresentUnlessCi(findNginx(), "no nginx was found (install Debian's nginx)");
}

/**
 * The repository's deploy/nginx.conf, as it is but for the ports: listening on `port`, in front
 * of the processes on `backends` (one `server` line each). Runs in the foreground in a folder of
 * its own; `stop` ends it.
 */
export async function startNginx(
  port: number,
  backends: number[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const nginx = findNginx();
  if (!nginx) throw new Error("No nginx");
  const prefix = mkdtempSync(path.join(tmpdir(), "samverkan-nginx-"));
  mkdirSync(path.join(prefix, "tmp"));
  const config = readFileSync(path.join(ROOT, "deploy/nginx.conf"), "utf8")
    .replace(/^\s*server 127\.0\.0\.1:\d+ .*\n/gm, "")
    .replace(
      /(\n\s*)keepalive 32;/,
      `${backends.map((backend) => `$1server 127.0.0.1:${backend} max_fails=1 fail_timeout=2s;`).join("")}$1keepalive 32;`,
    )
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/worker_processes auto;/, "worker_processes 1;");
  const file = path.join(prefix, "nginx.conf");
  writeFileSync(file, config);
  const child: ChildProcess = spawn(nginx, ["-p", prefix, "-c", file, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx ended:\n${errors}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      if (i > 100) throw new Error(`nginx did not answer:\n${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}
