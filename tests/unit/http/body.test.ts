import { describe, expect, it } from "vitest";
import {
  findUnstorableJson,
  parseIncomingBody,
  readBodyBytes,
  readJsonBody,
} from "@/lib/http/body";

const json = (body: BodyInit, type = "application/json") =>
  new Request("http://x/", { method: "POST", headers: { "content-type": type }, body });

describe("reading request bodies", () => {
  it("refuses a declared Content-Length over the limit before reading", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      headers: { "content-length": "5000000" },
      body: "small",
    });
    await expect(readBodyBytes(request, { limit: 1024 })).rejects.toMatchObject({ status: 413 });
  });

  it("stops a streamed body at the limit", async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request("http://x/", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    await expect(readBodyBytes(request, { limit: 10 * 1024 })).rejects.toMatchObject({
      status: 413,
      message: "The request body is too large (10 KB at most).",
    });
    expect(pulled).toBeLessThanOrEqual(12 * 1024);
  });

  it("takes JSON only as JSON, and an empty body only when optional", async () => {
    expect(await readJsonBody(json('{"a":1}'))).toEqual({ a: 1 });
    expect(await readJsonBody(json('{"a":1}', "application/vnd.api+json"))).toEqual({ a: 1 });
    await expect(readJsonBody(json('{"a":1}', "text/plain"))).rejects.toMatchObject({
      status: 415,
    });
    await expect(readJsonBody(json(""))).rejects.toMatchObject({ status: 400 });
    expect(await readJsonBody(json(""), { optional: true })).toBeUndefined();
    await expect(readJsonBody(json("{"))).rejects.toMatchObject({ status: 400 });
  });
});

describe("JSON that PostgreSQL cannot store", () => {
  it("finds NUL characters and lone surrogates, in values and keys, with their path", () => {
    expect(findUnstorableJson({ a: [1, { b: "x\u0000" }] })).toEqual({
      path: "a[1].b",
      reason: "a text value contains a NUL character",
    });
    expect(findUnstorableJson({ "k\ud800": 1 })).toMatchObject({
      reason: "a key contains invalid Unicode",
    });
    expect(findUnstorableJson({ ok: "emoji 😀 pairs are fine" })).toBeUndefined();
  });

  it("finds nesting past the limit without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnstorableJson(deep)?.reason).toBe("nests deeper than 64 levels");
  });
});

describe("bodies from outside systems", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it("parses declared JSON, forms and text, and sniffs JSON when asked", () => {
    expect(parseIncomingBody(bytes('{"a":1}'), "application/json")).toEqual({ a: 1 });
    expect(parseIncomingBody(bytes("a=1&b=two"), "application/x-www-form-urlencoded")).toEqual({
      a: "1",
      b: "two",
    });
    expect(parseIncomingBody(bytes("plain words"), "text/plain")).toBe("plain words");
    expect(parseIncomingBody(bytes('{"a":1}'), null)).toBe('{"a":1}');
    expect(parseIncomingBody(bytes('{"a":1}'), null, { sniffJson: true })).toEqual({ a: 1 });
    expect(parseIncomingBody(new Uint8Array(), "application/json")).toBeNull();
  });

  it("refuses binary and NUL-carrying bodies with a 400", () => {
    expect(() =>
      parseIncomingBody(new Uint8Array([0xff, 0xfe]), "application/octet-stream"),
    ).toThrow(/not valid UTF-8/);
    expect(() => parseIncomingBody(bytes("a\u0000b"), "text/plain")).toThrow(/NUL/);
  });
});
