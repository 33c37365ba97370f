// email.send against a loopback SMTP sink and slack.post against a webhook imitation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailSend } from "@/lib/actions/email-send";
import { slackPost } from "@/lib/actions/slack-post";
import { type HttpTarget, startHttpTarget } from "../../fixtures/http-target";
import { type SmtpSink, startSmtpSink } from "../../fixtures/smtp-server";
import { actionError, testContext } from "./helpers";

let smtp: SmtpSink;
let authSmtp: SmtpSink;
let http: HttpTarget;
beforeAll(async () => {
  [smtp, authSmtp, http] = await Promise.all([
    startSmtpSink(),
    startSmtpSink({ auth: { user: "mailer", pass: "pw-Zx81!secret" } }),
    startHttpTarget(),
  ]);
});
afterAll(async () => {
  await Promise.all([smtp?.close(), authSmtp?.close(), http?.close()]);
});

const send = (input: Record<string, unknown>, context = testContext()) =>
  emailSend.run!(input as never, context) as Promise<{ messageId: string; rejected: string[] }>;

describe("email.send", () => {
  it("sends through the operator's SMTP settings", async () => {
    const context = testContext({
      services: {
        smtp: { host: smtp.host, port: smtp.port, from: "Flowchat <bot@flowchat.test>" },
      },
    });
    const result = await send(
      {
        to: "ada@example.com",
        cc: ["bob@example.com"],
        subject: "Sev-1 open",
        text: "Two incidents.",
      },
      context,
    );
    expect(result.messageId).toMatch(/^<.+>$/);
    const mail = smtp.messages.at(-1)!;
    expect(mail.from).toBe("bot@flowchat.test");
    expect(mail.to).toEqual(["ada@example.com", "bob@example.com"]);
    expect(mail.raw).toContain("Subject: Sev-1 open");
    expect(mail.raw).toContain("Two incidents.");
  });

  it("prefers the person's SMTP_URL secret, logs in, and keeps the password out of errors", async () => {
    const password = "pw-Zx81!secret";
    const context = testContext({
      secrets: {
        SMTP_URL: `smtp://mailer:${encodeURIComponent(password)}@127.0.0.1:${authSmtp.port}`,
        SMTP_FROM: "me@example.com",
      },
      services: { smtp: { host: smtp.host, port: smtp.port, from: "bot@flowchat.test" } },
    });
    await send({ to: ["ada@example.com"], subject: "Hi", html: "<p>Hello</p>" }, context);
    expect(authSmtp.messages.at(-1)).toMatchObject({ from: "me@example.com", user: "mailer" });

    const wrong = testContext({
      secrets: {
        SMTP_URL: `smtp://mailer:wrong-password-123@127.0.0.1:${authSmtp.port}`,
        SMTP_FROM: "me@example.com",
      },
    });
    const error = await actionError(send({ to: "a@example.com", subject: "x", text: "y" }, wrong));
    expect(error.message).toMatch(/^The SMTP server at 127\.0\.0\.1:\d+ refused the login: 535/);
    expect(error.message).not.toContain("wrong-password-123");
    expect(error.retriable).toBe(false);
  });

  it("turns a 550 rejection into a clear error that is not retried", async () => {
    const context = testContext({
      services: { smtp: { url: smtp.url, from: "bot@flowchat.test" } },
    });
    const error = await actionError(
      send({ to: "nobody@reject.test", subject: "x", text: "y" }, context),
    );
    expect(error.message).toMatch(
      /^The SMTP server at 127\.0\.0\.1:\d+ rejected the message: .*550 5\.1\.1 No such user here/,
    );
    expect(error.code).toBe("upstream");
    expect(error.status).toBe(550);
    expect(error.retriable).toBe(false);
  });

  it("retries a temporary 451", async () => {
    const context = testContext({
      services: { smtp: { url: smtp.url, from: "bot@flowchat.test" } },
    });
    const error = await actionError(
      send({ to: "later@busy.test", subject: "x", text: "y" }, context),
    );
    expect(error.status).toBe(451);
    expect(error.retriable).toBe(true);
  });

  it("reports a server that is not there as retriable", async () => {
    const gone = await startSmtpSink();
    await gone.close();
    const context = testContext({
      services: { smtp: { url: gone.url, from: "bot@flowchat.test" } },
    });
    const error = await actionError(
      send({ to: "a@example.com", subject: "x", text: "y" }, context),
    );
    expect(error.message).toMatch(/^Could not reach the SMTP server at 127\.0\.0\.1:\d+/);
    expect(error.retriable).toBe(true);
  });

  it("explains how to set email up when nothing is configured", async () => {
    const error = await actionError(send({ to: "a@example.com", subject: "x", text: "y" }));
    expect(error.message).toContain("email.send: email is not set up. Add an SMTP_URL secret");
    expect(error.retriable).toBe(false);
  });

  it("puts a person's SMTP host through the SSRF guard", async () => {
    const context = testContext({
      allow: [],
      secrets: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "me@example.com" },
    });
    const error = await actionError(
      send({ to: "a@example.com", subject: "x", text: "y" }, context),
    );
    expect(error.code).toBe("refused");
    expect(error.message).toContain("Refused to connect to 127.0.0.1:");
  });

  it("refuses a person's SMTP host on the app's port even when 127.0.0.1 is allowed", async () => {
    const context = testContext({
      allow: ["127.0.0.1"],
      protectedPorts: [{ port: smtp.port, name: "this app's own port" }],
      secrets: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "me@example.com" },
    });
    const error = await actionError(
      send({ to: "a@example.com", subject: "x", text: "y" }, context),
    );
    expect(error.code).toBe("refused");
    expect(error.retriable).toBe(false);
    expect(error.message).toContain(
      `Refused to connect to 127.0.0.1:${smtp.port}: port ${smtp.port} is this app's own port`,
    );
    expect(smtp.messages.filter((m) => m.to.includes("a@example.com"))).toHaveLength(0);
  });

  it("lets the allow-list permit a person's SMTP host on one port only", async () => {
    const secrets = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: "me@example.com" };
    const onPort = testContext({ allow: [`127.0.0.1:${smtp.port}`], secrets });
    await send({ to: "port-ok@example.com", subject: "x", text: "y" }, onPort);
    expect(smtp.messages.some((m) => m.to.includes("port-ok@example.com"))).toBe(true);
    const otherPort = testContext({ allow: [`127.0.0.1:${smtp.port + 1}`], secrets });
    const error = await actionError(
      send({ to: "a@example.com", subject: "x", text: "y" }, otherPort),
    );
    expect(error.code).toBe("refused");
    expect(error.message).toContain(`HTTP_ALLOWLIST permits it only on port ${smtp.port + 1}.`);
  });

  it("needs a body", async () => {
    const error = await actionError(send({ to: "a@example.com", subject: "x" }));
    expect(error.message).toContain("needs a body: give text or html");
  });
});

const post = (input: Record<string, unknown>, context = testContext()) =>
  slackPost.run!(input as never, context) as Promise<{ ok: boolean }>;

describe("slack.post", () => {
  it("posts Slack's { text, blocks } payload to the webhook", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*Hello*" } }];
    const webhook = `${http.url}/slack/T000/B000/XXXX`;
    expect(await post({ webhook, text: "Hello", blocks })).toEqual({ ok: true });
    const request = http.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ text: "Hello", blocks });
  });

  it("reports a 4xx without retrying and without the webhook URL", async () => {
    const webhook = `${http.url}/slack/gone/hook-token-XYZ`;
    const error = await actionError(
      post({ webhook, text: "Hello" }, testContext({ secrets: { SLACK_WEBHOOK: webhook } })),
    );
    expect(error.message).toBe(`Slack webhook at ${http.url} answered HTTP 404: no_service`);
    expect(error.retriable).toBe(false);
    expect(error.message).not.toContain("hook-token-XYZ");
  });

  it("retries a 5xx and a 429", async () => {
    const failed = await actionError(post({ webhook: `${http.url}/slack/500/x`, text: "Hi" }));
    expect(failed.message).toContain("answered HTTP 500: internal_error");
    expect(failed.retriable).toBe(true);
    const limited = await actionError(
      post({ webhook: `${http.url}/slack/ratelimited/x`, text: "Hi" }),
    );
    expect(limited.retriable).toBe(true);
    expect(limited.retryAfterMs).toBe(30_000);
  });

  it("refuses a webhook on a private address", async () => {
    const error = await actionError(
      post({ webhook: "http://169.254.169.254/hook", text: "Hi" }, testContext({ allow: [] })),
    );
    expect(error.code).toBe("refused");
  });
});
