import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock";

/**
 * What a lock file left by something else does to the next start: the process-level cases
 * (a second server, a killed one, pid reuse) are in tests/integration/data-dir-lock.test.ts.
 */
let folder: string;
let lockFile: string;
let release: (() => void) | undefined;

beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), "samverkan-lock-unit-"));
  lockFile = path.join(folder, "pglite.lock");
});
afterEach(() => {
  release?.();
  release = undefined;
  rmSync(folder, { recursive: true, force: true });
});

const goneHolder = { pid: 999_999_999, host: hostname(), token: "gone" };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("lockDataDir", () => {
  it.each([
    ["null", "null"],
    ["a number", "42"],
    ["an empty object", "{}"],
    ["a pid alone", '{"pid":1}'],
    ["a pid that is not a number", `{"pid":"1","host":"${hostname()}","token":"t"}`],
    ["text that is not JSON", "garbage!!"],
    ["nothing", ""],
  ])("refuses a lock file holding %s, in one sentence that names the file", (_what, content) => {
    writeFileSync(lockFile, content);
    expect(() => lockDataDir(lockFile)).toThrowError(DataDirLockedError);
    expect(() => lockDataDir(lockFile)).toThrowError(
      `in use by another process (its lock file is unreadable); stop it first, or remove ${lockFile}`,
    );
    expect(readFileSync(lockFile, "utf8")).toBe(content);
  });

  it.each([
    ["unreadable", "junk"],
    ["naming a live process", JSON.stringify({ pid: process.pid, host: hostname(), token: "t" })],
  ])("takes over a gone holder's lock past a takeover guard left behind, %s", (_what, guard) => {
    writeFileSync(lockFile, JSON.stringify(goneHolder));
    writeFileSync(`${lockFile}.takeover`, guard);
    utimesSync(`${lockFile}.takeover`, minutesAgo(1), minutesAgo(1));
    release = lockDataDir(lockFile);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(process.pid);
    expect(existsSync(`${lockFile}.takeover`)).toBe(false);
  });

  it("waits out a takeover guard made just now, then takes over", () => {
    writeFileSync(lockFile, JSON.stringify(goneHolder));
    writeFileSync(`${lockFile}.takeover`, "junk");
    // Five seconds minus a little: the guard counts as left behind shortly after the start.
    const recently = new Date(Date.now() - 4_800);
    utimesSync(`${lockFile}.takeover`, recently, recently);
    const started = Date.now();
    release = lockDataDir(lockFile);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(process.pid);
  });
});
