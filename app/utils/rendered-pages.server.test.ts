import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keptPage, NONCE_MARK } from "./rendered-pages.server";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("kept pages", () => {
  it("renders once for every view that asks while it renders, each with its own nonce", async () => {
    const key = randomUUID();
    let renders = 0;
    let finish: (html: string) => void = () => {};
    const render = () => {
      renders++;
      return new Promise<string>((resolve) => {
        finish = resolve;
      });
    };
    const views = ["a", "b", "c"].map((nonce) => keptPage(key, nonce, render));
    finish(`<script nonce="${NONCE_MARK}"></script><p>Översikt</p><i nonce="${NONCE_MARK}">`);
    const pages = (await Promise.all(views)).map(text);
    expect(renders).toBe(1);
    expect(pages).toEqual(
      ["a", "b", "c"].map(
        (nonce) => `<script nonce="${nonce}"></script><p>Översikt</p><i nonce="${nonce}">`,
      ),
    );
    expect(text(await keptPage(key, "d", render))).toContain('nonce="d"');
    expect(renders).toBe(1);
  });

  it("keeps no failed render: the next view renders again", async () => {
    const key = randomUUID();
    await expect(keptPage(key, "a", () => Promise.reject(new Error("render")))).rejects.toThrow();
    expect(text(await keptPage(key, "b", async () => "<p>igen</p>"))).toBe("<p>igen</p>");
  });
});
