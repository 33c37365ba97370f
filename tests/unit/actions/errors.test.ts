import { describe, expect, it } from "vitest";
import {
  ActionError,
  isRetriable,
  isRetriableStatus,
  NonRetriableActionError,
  parseRetryAfter,
  toActionError,
} from "@/lib/actions/runtime/errors";
import { AddressRefusedError, NetworkError } from "@/lib/net/errors";
import { createRedactor, noRedaction } from "@/lib/secrets/redact";

describe("action errors", () => {
  it("retries 408, 425, 429 and 5xx only", () => {
    expect([400, 401, 403, 404, 409, 422].map(isRetriableStatus)).toEqual(Array(6).fill(false));
    expect([408, 425, 429, 500, 502, 503, 504].map(isRetriableStatus)).toEqual(Array(7).fill(true));
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });

  it("treats anything without a flag as retriable", () => {
    expect(isRetriable(new Error("boom"))).toBe(true);
    expect(isRetriable(new NonRetriableActionError("no", { code: "invalid_input" }))).toBe(false);
    expect(isRetriable(new AddressRefusedError("refused"))).toBe(false);
  });

  it("maps network errors to action codes and keeps the flag", () => {
    const refused = toActionError(new AddressRefusedError("Refused to connect"), noRedaction);
    expect(refused).toMatchObject({ code: "refused", retriable: false });
    const timeout = toActionError(
      new NetworkError("timeout", "slow", { retriable: true }),
      noRedaction,
    );
    expect(timeout).toMatchObject({ code: "timeout", retriable: true });
  });

  it("redacts messages and drops causes", () => {
    const redactor = createRedactor({ TOKEN: "abcd-1234-efgh" });
    const error = toActionError(
      new Error("failed with abcd-1234-efgh", { cause: { token: "abcd-1234-efgh" } }),
      redactor,
    );
    expect(error.message).toBe("failed with [secret:TOKEN]");
    expect(error.cause).toBeUndefined();
    const typed = toActionError(
      new ActionError("HTTP 500 from abcd-1234-efgh", {
        code: "http_status",
        retriable: true,
        status: 500,
      }),
      redactor,
    );
    expect(typed.toJSON()).toEqual({
      name: "ActionError",
      code: "http_status",
      message: "HTTP 500 from [secret:TOKEN]",
      retriable: true,
      status: 500,
    });
  });
});
