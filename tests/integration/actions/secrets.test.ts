// The secrets store: AES-256-GCM round trip, tampering and wrong keys refused, the key
// generated once into DATA_DIR, and each person seeing only their own secrets (both drivers).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { users } from "@/lib/db/schema";
import { parseEnv } from "@/lib/env";
import { decryptSecret, encryptSecret, SecretDecryptError, secretAad } from "@/lib/secrets/crypto";
import { getSecretsKey, parseSecretsKey, resetSecretsKeyForTests } from "@/lib/secrets/key";
import { createTestDatabase, drivers, type TestDatabase } from "../../helpers/database";
import { useDatabaseForQueries } from "../../helpers/queries";

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

describe.each(drivers)("secrets store on %s", (driver) => {
  let database: TestDatabase;
  let store: typeof import("@/lib/secrets/store");
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    await useDatabaseForQueries(database);
    store = await import("@/lib/secrets/store");
    const rows = await database.db
      .insert(users)
      .values([{ email: `alice-${driver}@example.com` }, { email: `bob-${driver}@example.com` }])
      .returning();
    [alice, bob] = rows.map((row) => row.id);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("saves, lists names only, and loads values for their owner", async () => {
    const saved = await store.saveSecret({
      userId: alice,
      name: "SLACK_WEBHOOK",
      value: "https://hooks.example/abc",
      key,
    });
    expect(saved).toMatchObject({ name: "SLACK_WEBHOOK", created: true });
    await store.saveSecret({ userId: alice, name: "API_TOKEN", value: "tok-alice", key });
    const listed = await store.listSecrets({ userId: alice });
    expect(listed.map((s) => s.name)).toEqual(["API_TOKEN", "SLACK_WEBHOOK"]);
    expect(JSON.stringify(listed)).not.toContain("tok-alice");
    expect(await store.loadSecrets({ userId: alice, key })).toEqual({
      API_TOKEN: "tok-alice",
      SLACK_WEBHOOK: "https://hooks.example/abc",
    });
    expect(
      await store.loadSecrets({ userId: alice, names: ["API_TOKEN", "MISSING"], key }),
    ).toEqual({
      API_TOKEN: "tok-alice",
    });
  });

  it("keeps only ciphertext in the database", async () => {
    const client = database.client;
    const rows =
      client.kind === "pglite"
        ? (await client.pglite.query<{ ciphertext: string }>("select ciphertext from secrets")).rows
        : await client.sql<{ ciphertext: string }[]>`select ciphertext from secrets`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.ciphertext).not.toMatch(/tok-alice|hooks\.example/);
  });

  it("replaces a value under the same name", async () => {
    const replaced = await store.saveSecret({
      userId: alice,
      name: "API_TOKEN",
      value: "tok-2",
      key,
    });
    expect(replaced.created).toBe(false);
    expect((await store.loadSecrets({ userId: alice, names: ["API_TOKEN"], key })).API_TOKEN).toBe(
      "tok-2",
    );
  });

  it("keeps each person's secrets apart", async () => {
    await store.saveSecret({ userId: bob, name: "API_TOKEN", value: "tok-bob", key });
    expect(await store.loadSecrets({ userId: bob, key })).toEqual({ API_TOKEN: "tok-bob" });
    expect((await store.listSecrets({ userId: bob })).map((s) => s.name)).toEqual(["API_TOKEN"]);
    await expect(store.deleteSecret({ userId: bob, name: "SLACK_WEBHOOK" })).rejects.toMatchObject({
      status: 404,
    });
    expect((await store.listSecrets({ userId: alice })).map((s) => s.name)).toContain(
      "SLACK_WEBHOOK",
    );
  });

  it("deletes a secret", async () => {
    await store.deleteSecret({ userId: alice, name: "SLACK_WEBHOOK" });
    expect((await store.listSecrets({ userId: alice })).map((s) => s.name)).toEqual(["API_TOKEN"]);
  });

  it("validates names and values", async () => {
    await expect(
      store.saveSecret({ userId: alice, name: "lower", value: "x", key }),
    ).rejects.toThrow(/capital letters/);
    await expect(
      store.saveSecret({ userId: alice, name: "OK_NAME", value: "", key }),
    ).rejects.toThrow(/needs a value/);
  });

  it("says which secret no longer decrypts with the current key", async () => {
    await expect(store.loadSecrets({ userId: alice, key: randomBytes(32) })).rejects.toThrow(
      "The secret API_TOKEN could not be decrypted: it was saved with another SECRETS_KEY or altered. Save it again in Settings.",
    );
  });
});
