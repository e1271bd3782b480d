import { describe, expect, it, vi } from "vitest";
import { sharedReads } from "./coalesce";

describe("sharedReads", () => {
  it("answers those who ask during a read with one later read, begun after they asked", async () => {
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const read = sharedReads(async () => {
      started.push(started.length);
      await new Promise<void>((resolve) => finish.push(resolve));
    });
    const first = read("doc");
    // Asked while the first read runs: it may have begun before what they must see.
    const later = [read("doc"), read("doc"), read("doc")];
    expect(started).toEqual([0]);
    const other = read("another");
    expect(started).toEqual([0, 1]);

    for (const done of finish.splice(0)) done();
    await first;
    await other;
    await vi.waitFor(() => expect(started).toEqual([0, 1, 2]));
    for (const done of finish.splice(0)) done();
    await Promise.all(later);
    expect(started).toHaveLength(3);
  });

  it("a failed read fails its callers, and the next read runs", async () => {
    let fail = true;
    const read = sharedReads(async () => {
      if (fail) throw new Error("databasen svarar inte");
    });
    await expect(read("doc")).rejects.toThrow("databasen svarar inte");
    fail = false;
    await expect(read("doc")).resolves.toBeUndefined();
  });
});
