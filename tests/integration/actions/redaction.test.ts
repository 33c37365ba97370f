// Secret values never come out of an action: not in its output, its error, or its log lines,
// whatever form the value travels in (raw, URL-encoded, base64 inside Basic auth).
import { describe, expect, it } from "vitest";
import { httpRequest } from "@/lib/actions/http-request";
import { transform } from "@/lib/actions/transform";
import { suiteResource } from "@/tests/helpers/suite-resource";
import { startHttpTarget } from "../../fixtures/http-target";
import { actionError, testContext } from "./helpers";

const SECRET = "zq8-Secret/Value+42";
const secrets = { STATUS_TOKEN: SECRET };
const forms = [
  SECRET,
  encodeURIComponent(SECRET),
  Buffer.from(SECRET).toString("base64"),
  Buffer.from(`user:${SECRET}`).toString("base64"),
];

function expectClean(value: unknown) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const form of forms) expect(text).not.toContain(form);
}

const target = suiteResource(startHttpTarget, { close: (t) => t.close() });

describe("secret redaction in actions", () => {
  it("redacts a secret echoed back in a response (header, query, Basic auth)", async () => {
    const context = testContext({ secrets });
    const output = await httpRequest.run!(
      {
        url: `${target.url}/echo`,
        query: { token: SECRET },
        headers: {
          "X-Token": SECRET,
          Authorization: `Basic ${Buffer.from(`user:${SECRET}`).toString("base64")}`,
        },
      },
      context,
    );
    // The server did receive the real value…
    expect(target.requests.at(-1)?.headers["x-token"]).toBe(SECRET);
    // …but the step's output only says which secret it was.
    expectClean(output);
    expect(JSON.stringify(output)).toContain("[secret:STATUS_TOKEN]");
    expectClean(context.logs);
  });

  it("redacts a secret in the URL from an HTTP error and its quoted body", async () => {
    const context = testContext({ secrets });
    const error = await actionError(
      httpRequest.run!(
        {
          url: `${target.url}/status/500/${encodeURIComponent(SECRET)}?body=${encodeURIComponent(`bad token ${SECRET}`)}`,
        },
        context,
      ),
    );
    expect(error.message).toContain("HTTP 500 from");
    expect(error.message).toContain("[secret:STATUS_TOKEN]");
    expectClean(error.message);
    expectClean(error.stack);
    expectClean(JSON.stringify(error));
    expect(error.cause).toBeUndefined();
  });

  it("redacts a secret in the URL from a timeout", async () => {
    const context = testContext({ secrets, timeoutMs: 200 });
    const error = await actionError(
      httpRequest.run!(
        { url: `${target.url}/slow/${encodeURIComponent(SECRET)}?ms=3000` },
        context,
      ),
    );
    expect(error.code).toBe("timeout");
    expectClean(error.message);
  });

  it("redacts a secret in a host name from an SSRF refusal", async () => {
    const context = testContext({
      secrets: { HOST: "internal-db-7731" },
      allow: [],
      resolve: async () => [{ address: "10.0.0.1", family: 4 }],
    });
    const error = await actionError(
      httpRequest.run!({ url: "http://internal-db-7731.example.com/" }, context),
    );
    expect(error.message).not.toContain("internal-db-7731");
    expect(error.message).toContain("[secret:HOST].example.com");
  });

  it("redacts the output of a transform that computed with a secret", async () => {
    const context = testContext({ secrets });
    const output = await transform.run!({ value: { header: `Bearer ${SECRET}` } }, context);
    expect(output).toEqual({ header: "Bearer [secret:STATUS_TOKEN]" });
  });

  it("redacts log lines and their data", () => {
    const context = testContext({ secrets });
    context.logger.info(`calling with ${SECRET}`, { headers: { authorization: SECRET } });
    expect(context.logs).toEqual([
      expect.objectContaining({
        level: "info",
        message: "calling with [secret:STATUS_TOKEN]",
        data: { headers: { authorization: "[secret:STATUS_TOKEN]" } },
      }),
    ]);
  });
});
