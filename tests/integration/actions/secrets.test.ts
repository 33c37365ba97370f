// Secret encryption: AES-256-GCM round trip, tampering and wrong keys refused, the key
// generated once into DATA_DIR. The store on both drivers is in database-backed.test.ts.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseEnv } from "@/lib/env";
import { decryptSecret, encryptSecret, SecretDecryptError, secretAad } from "@/lib/secrets/crypto";
import { getSecretsKey, parseSecretsKey, resetSecretsKeyForTests } from "@/lib/secrets/key";

const key = randomBytes(32);

describe("secret encryption", () => {
  it("round-trips a value and never stores it in clear", () => {
    const token = encryptSecret("hunter2-très-secret", key, secretAad("u1", "API_TOKEN"));
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(token).not.toContain("hunter2");
    expect(decryptSecret(token, key, secretAad("u1", "API_TOKEN"))).toBe("hunter2-très-secret");
  });

  it("uses a fresh IV every time", () => {
    const aad = secretAad("u1", "A");
    expect(encryptSecret("same", key, aad)).not.toBe(encryptSecret("same", key, aad));
  });

  it("refuses tampered ciphertext, tag or IV", () => {
    const aad = secretAad("u1", "API_TOKEN");
    const token = encryptSecret("value-1234", key, aad);
    const [version, iv, tag, body] = token.split(".");
    const flip = (part: string) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] ^= 1;
      return bytes.toString("base64url");
    };
    for (const altered of [
      [version, iv, tag, flip(body)],
      [version, iv, flip(tag), body],
      [version, flip(iv), tag, body],
      [version, iv, tag.slice(0, 8), body],
    ]) {
      expect(() => decryptSecret(altered.join("."), key, aad)).toThrow(SecretDecryptError);
    }
    expect(() => decryptSecret("garbage", key, aad)).toThrow(/not in a format/);
  });

  it("refuses the wrong key", () => {
    const token = encryptSecret("value-1234", key, secretAad("u1", "A"));
    expect(() => decryptSecret(token, randomBytes(32), secretAad("u1", "A"))).toThrow(
      "The secret could not be decrypted: wrong key or altered data.",
    );
  });

  it("binds a ciphertext to its owner and name", () => {
    const token = encryptSecret("value-1234", key, secretAad("u1", "A"));
    expect(() => decryptSecret(token, key, secretAad("u2", "A"))).toThrow(SecretDecryptError);
    expect(() => decryptSecret(token, key, secretAad("u1", "B"))).toThrow(SecretDecryptError);
  });
});

describe("the secrets key", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "flowchat-secrets-"));
  });
  afterAll(() => {
    resetSecretsKeyForTests();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts 32 bytes as base64 or hex and explains anything else", () => {
    expect(parseSecretsKey(key.toString("base64"))).toEqual(key);
    expect(parseSecretsKey(key.toString("hex"))).toEqual(key);
    expect(() => parseSecretsKey("short")).toThrow(/SECRETS_KEY must be 32 bytes/);
  });

  it("prefers SECRETS_KEY", () => {
    resetSecretsKeyForTests();
    const config = parseEnv({ SECRETS_KEY: key.toString("base64"), DATA_DIR: dataDir });
    expect(getSecretsKey(config)).toEqual(key);
    expect(fs.existsSync(path.join(dataDir, "secrets-key"))).toBe(false);
  });

  it("generates a key into DATA_DIR once, and warns in production", () => {
    resetSecretsKeyForTests();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const config = parseEnv({ DATA_DIR: dataDir, NODE_ENV: "production" });
      const first = getSecretsKey(config);
      expect(first).toHaveLength(32);
      const file = path.join(dataDir, "secrets-key");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      resetSecretsKeyForTests();
      expect(getSecretsKey(config)).toEqual(first);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("SECRETS_KEY is not set"));
    } finally {
      warn.mockRestore();
    }
  });
});
