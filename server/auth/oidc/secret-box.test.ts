import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./secret-box";

describe("client secrets at rest", () => {
  const key = randomBytes(32);

  it("opens what it sealed, and the stored text does not contain the secret", () => {
    const sealed = sealSecret(key, "hemligt-klientlösen");
    expect(sealed).not.toContain("hemligt");
    expect(openSecret(key, sealed)).toBe("hemligt-klientlösen");
  });

  it("refuses another key and an altered ciphertext", () => {
    const sealed = sealSecret(key, "hemligt");
    expect(openSecret(randomBytes(32), sealed)).toBeNull();
    const parts = sealed.split(".");
    const bytes = Buffer.from(parts[3], "base64url");
    bytes[0] ^= 1;
    parts[3] = bytes.toString("base64url");
    expect(openSecret(key, parts.join("."))).toBeNull();
  });
});
