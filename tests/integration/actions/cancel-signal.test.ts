// A run's cancel reaches every action that waits on something outside: the unit's signal,
// aborted with RunCancelledError while the remote end holds the call open, closes the
// connection (HTTP, Slack, the model API, MCP, SMTP) and the action ends as cancelled, not
// retriable and not as a timeout. A timeout abort stays a retriable timeout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiGenerate } from "@/lib/actions/ai-generate";
import { emailSend } from "@/lib/actions/email-send";
import { httpRequest } from "@/lib/actions/http-request";
import { mcpCall } from "@/lib/actions/mcp-call";
import { ActionError, RunCancelledError } from "@/lib/actions/runtime/errors";
import { slackPost } from "@/lib/actions/slack-post";
import { createLanguageModel } from "@/lib/ai/providers";
import { mcpClient } from "@/lib/mcp/client";
import { type HttpTarget, startHttpTarget } from "../../fixtures/http-target";
import { type McpFixture, startMcpFixture } from "../../fixtures/mcp-server";
import { type OpenAIServer, startOpenAIServer } from "../../fixtures/openai-server";
import { type SmtpSink, startSmtpSink } from "../../fixtures/smtp-server";
import { actionError, testContext } from "./helpers";

let http: HttpTarget;
let model: OpenAIServer;
let mcp: McpFixture;
let smtp: SmtpSink;
beforeAll(async () => {
  [http, model, mcp, smtp] = await Promise.all([
    startHttpTarget(),
    startOpenAIServer(),
    startMcpFixture(),
    startSmtpSink({ stallDataMs: 10_000 }),
  ]);
});
afterAll(async () => {
  await Promise.all([http?.close(), model?.close(), mcp?.close()]);
  // The stalled sink waits for its sessions; every one was closed by the client already.
  await smtp?.close();
});

async function until(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `start` with a signal, aborts it with `reason` once `reached()`; the error and its timing. */
async function abortedWhile(
  start: (signal: AbortSignal) => Promise<unknown>,
  reached: () => boolean,
  reason: unknown = new RunCancelledError(),
) {
  const controller = new AbortController();
  const pending = actionError(start(controller.signal));
  await until(reached, "the remote end to hold the call");
  const abortedAt = Date.now();
  controller.abort(reason);
  const error = await pending;
  return { error, tookMs: Date.now() - abortedAt, abortedAt };
}

const expectCancelled = (error: ActionError) => {
  expect(error).toBeInstanceOf(RunCancelledError);
  expect(error.code).toBe("cancelled");
  expect(error.retriable).toBe(false);
};

describe("a cancelled run's signal", () => {
  it("closes an HTTP request in flight (http.request)", async () => {
    const before = http.held.length;
    const { error, tookMs, abortedAt } = await abortedWhile(
      (signal) =>
        httpRequest.run!({ url: `${http.url}/hold?ms=10000` } as never, testContext({ signal })),
      () => http.held.length > before,
    );
    expectCancelled(error);
    expect(tookMs).toBeLessThan(1_000);
    await until(() => http.held[before].closedByClientAt !== undefined, "the connection to close");
    expect(http.held[before].closedByClientAt).toBeGreaterThanOrEqual(abortedAt);
    expect(http.held[before].answered).toBe(false);
  });

  it("closes a Slack webhook call in flight (slack.post)", async () => {
    const before = http.held.length;
    const { error } = await abortedWhile(
      (signal) =>
        slackPost.run!(
          { webhook: `${http.url}/hold?ms=10000`, text: "hello" } as never,
          testContext({ signal }),
        ),
      () => http.held.length > before,
    );
    expectCancelled(error);
    await until(() => http.held[before].closedByClientAt !== undefined, "the connection to close");
  });

  it("closes a model call in flight (ai.generate)", async () => {
    model.reset();
    model.script(async () => {
      await new Promise((r) => setTimeout(r, 10_000));
      return "too late";
    });
    const closedBefore = model.closedByClient;
    const { error, tookMs } = await abortedWhile(
      (signal) =>
        aiGenerate.run!(
          { prompt: "Summarize" } as never,
          testContext({
            signal,
            services: {
              languageModel: () =>
                createLanguageModel({ baseURL: model.baseURL, api: "chat", model: "m" }),
            },
          }),
        ),
      () => model.requests.length === 1,
    );
    expectCancelled(error);
    expect(tookMs).toBeLessThan(1_000);
    await until(() => model.closedByClient === closedBefore + 1, "the model call to close");
  });

  it("cancels an MCP tool call in flight (mcp.call)", async () => {
    const before = mcp.slowCalls.length;
    const { error, tookMs } = await abortedWhile(
      (signal) =>
        mcpCall.run!(
          { server: "fixture", tool: "slow", arguments: { ms: 10_000 } } as never,
          testContext({
            signal,
            services: {
              mcpServer: async () => ({ name: "fixture", transport: "http", url: mcp.url }),
              mcpClient,
            },
          }),
        ),
      () => mcp.slowCalls.length > before,
    );
    expectCancelled(error);
    expect(tookMs).toBeLessThan(1_000);
    await until(() => mcp.slowCalls[before].closedByClientAt !== undefined, "the call to close");
  });

  it("closes the SMTP connection of a send in flight (email.send)", async () => {
    const before = { data: smtp.dataStarted, closed: smtp.closedSessions };
    const { error, tookMs } = await abortedWhile(
      (signal) =>
        emailSend.run!(
          { to: "ada@example.com", subject: "Digest", text: "Two incidents." } as never,
          testContext({
            signal,
            services: { smtp: { host: smtp.host, port: smtp.port, from: "bot@flowchat.test" } },
          }),
        ),
      () => smtp.dataStarted > before.data,
    );
    expectCancelled(error);
    expect(tookMs).toBeLessThan(1_000);
    await until(() => smtp.closedSessions > before.closed, "the SMTP session to close");
    expect(smtp.messages).toEqual([]);
  });

  it("does not even connect when the run was cancelled before the send (email.send)", async () => {
    const controller = new AbortController();
    controller.abort(new RunCancelledError());
    const before = smtp.dataStarted;
    const error = await actionError(
      emailSend.run!(
        { to: "ada@example.com", subject: "x", text: "y" } as never,
        testContext({
          signal: controller.signal,
          services: { smtp: { host: smtp.host, port: smtp.port, from: "bot@flowchat.test" } },
        }),
      ),
    );
    expectCancelled(error);
    expect(smtp.dataStarted).toBe(before);
  });
});

describe("a step timeout's signal", () => {
  const timeout = () =>
    new ActionError("timed out after 0.3s", { code: "timeout", retriable: true });

  it("stays a retriable timeout for HTTP", async () => {
    const before = http.held.length;
    const { error } = await abortedWhile(
      (signal) =>
        httpRequest.run!({ url: `${http.url}/hold?ms=10000` } as never, testContext({ signal })),
      () => http.held.length > before,
      timeout(),
    );
    expect(error).not.toBeInstanceOf(RunCancelledError);
    expect(error.code).toBe("timeout");
    expect(error.retriable).toBe(true);
  });

  it("stays a retriable timeout for the model", async () => {
    model.reset();
    model.script(async () => {
      await new Promise((r) => setTimeout(r, 10_000));
      return "too late";
    });
    const { error } = await abortedWhile(
      (signal) =>
        aiGenerate.run!(
          { prompt: "Summarize" } as never,
          testContext({
            signal,
            services: {
              languageModel: () =>
                createLanguageModel({ baseURL: model.baseURL, api: "chat", model: "m" }),
            },
          }),
        ),
      () => model.requests.length === 1,
      timeout(),
    );
    expect(error.code).toBe("timeout");
    expect(error.retriable).toBe(true);
  });
});
