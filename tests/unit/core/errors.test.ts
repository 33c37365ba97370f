import { describe, expect, it, vi } from "vitest";
import { AppError, toErrorResponse } from "@/lib/errors";

describe("application errors", () => {
  it("carry a code, a status and a safe message", async () => {
    const error = new AppError("not_found:thread");
    expect(error.status).toBe(404);
    expect(error.code).toBe("not_found:thread");
    const response = error.toResponse();
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: "not_found:thread",
        message: "This conversation does not exist or is not yours.",
      },
    });
  });

  it("are rebuilt by the client from the JSON body", async () => {
    const body = await new AppError("bad_request:chat", "Too long.").toResponse().json();
    const rebuilt = AppError.fromJSON(body);
    expect(rebuilt?.code).toBe("bad_request:chat");
    expect(rebuilt?.message).toBe("Too long.");
    expect(AppError.fromJSON({ nope: true })).toBeUndefined();
  });

  it("never leak an unexpected error's details", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = toErrorResponse(new Error('relation "secret_table" does not exist'), "chat");
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("secret_table");
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it("tell a rate-limited caller when to come back, in Retry-After and in the body", async () => {
    const response = new AppError(
      "rate_limit:chat",
      "Too many messages. Try again in 30 seconds.",
      {
        retryAfter: 29.2,
      },
    ).toResponse();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect((await response.json()).error.details).toEqual({ retryAfter: 29.2 });
    expect(
      toErrorResponse(new AppError("rate_limit:auth", "x", { retryAfter: 60 })).headers.get(
        "retry-after",
      ),
    ).toBe("60");
    expect(new AppError("not_found:thread").toResponse().headers.has("retry-after")).toBe(false);
  });
});
