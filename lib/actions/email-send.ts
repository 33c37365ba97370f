import { connect, type Socket } from "node:net";
import { z } from "zod";
import { checkHost } from "@/lib/net/policy";
import { reachesOthers } from "@/lib/plan/effects";
import { defineAction, withRun, withSimulation } from "./define-action";
import type { ActionContext, SmtpDefaults } from "./runtime/context";
import { ActionError, NonRetriableActionError } from "./runtime/errors";

const address = z.email({ message: "must be an email address" });

export const emailSendDeclaration = defineAction({
  id: "email.send",
  title: "Send email",
  description: "Send an email. Give text, html or both.",
  kind: "task",
  sideEffects: true,
  input: z
    .strictObject({
      to: z.union([address, z.array(address).min(1)]),
      cc: z.array(address).optional(),
      subject: z.string().min(1),
      text: z.string().optional(),
      html: z.string().optional(),
      replyTo: address.optional(),
    })
    .refine((value) => value.text !== undefined || value.html !== undefined, {
      message: "needs a body: give text or html",
    }),
  output: z.object({ messageId: z.string() }),
  describe: (input) =>
    `email ${Array.isArray(input.to) ? input.to.join(", ") : String(input.to ?? "someone")}`,
  effect: (input, context) => ({
    class: "notifies",
    kind: "email",
    does: "sends the email",
    outside: reachesOthers([input.to, ...(Array.isArray(input.cc) ? input.cc : [])], context),
  }),
  example: {
    to: "{{ user.email }}",
    subject: "Sev-1 open",
    text: "{{ steps.summarize.output.text }}",
  },
});

/** What nodemailer needs, plus where the settings came from (for messages). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from?: string;
  /** "your SMTP_URL secret" or "the server's SMTP settings". */
  source: string;
}

const SMTP_URL_HELP =
  "Add an SMTP_URL secret in Settings (smtp://user:password@host:587 or smtps://…:465), or ask the operator to set SMTP_URL.";

export function parseSmtpUrl(text: string, source: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NonRetriableActionError(
      `email.send: ${source} is not a valid URL. ${SMTP_URL_HELP}`,
      {
        code: "not_configured",
      },
    );
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new NonRetriableActionError(
      `email.send: ${source} must start with smtp:// or smtps://. ${SMTP_URL_HELP}`,
      { code: "not_configured" },
    );
  }
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    from: url.searchParams.get("from") ?? undefined,
    source,
  };
}

/** The person's SMTP_URL secret wins; otherwise the operator's env settings. */
export function smtpSettings(context: ActionContext): SmtpSettings & { trusted: boolean } {
  const own = context.secrets.get("SMTP_URL");
  const fromSecret = context.secrets.get("SMTP_FROM");
  if (own) {
    const settings = parseSmtpUrl(own, "your SMTP_URL secret");
    return { ...settings, from: fromSecret ?? settings.from, trusted: false };
  }
  const defaults: SmtpDefaults = context.services.smtp ?? {};
  if (defaults.url) {
    const settings = parseSmtpUrl(defaults.url, "the server's SMTP_URL");
    return { ...settings, from: fromSecret ?? defaults.from ?? settings.from, trusted: true };
  }
  if (defaults.host) {
    const port = defaults.port ?? 587;
    return {
      host: defaults.host,
      port,
      secure: port === 465,
      user: defaults.user,
      password: defaults.password,
      from: fromSecret ?? defaults.from,
      source: "the server's SMTP settings",
      trusted: true,
    };
  }
  throw new NonRetriableActionError(`email.send: email is not set up. ${SMTP_URL_HELP}`, {
    code: "not_configured",
  });
}

type SmtpFailure = Error & { code?: string; responseCode?: number; response?: string };

function smtpError(error: SmtpFailure, settings: SmtpSettings): ActionError {
  const where = `${settings.host}:${settings.port}`;
  const reply = (error.response ?? "").trim();
  if (error.code === "EAUTH") {
    return new NonRetriableActionError(
      `The SMTP server at ${where} refused the login${reply ? `: ${reply}` : ""} (check ${settings.source})`,
      { code: "upstream", status: error.responseCode },
    );
  }
  if (error.responseCode) {
    const permanent = error.responseCode >= 500;
    return new ActionError(
      `The SMTP server at ${where} rejected the message: ${reply || error.message}`,
      { code: "upstream", status: error.responseCode, retriable: !permanent },
    );
  }
  if (["ETIMEDOUT", "ECONNECTION", "ESOCKET", "EDNS", "ECONNREFUSED"].includes(error.code ?? "")) {
    return new ActionError(`Could not reach the SMTP server at ${where}: ${error.message}`, {
      code: error.code === "ETIMEDOUT" ? "timeout" : "network",
      retriable: true,
    });
  }
  return new ActionError(`Sending email through ${where} failed: ${error.message}`, {
    code: "upstream",
    retriable: error.code !== "EENVELOPE" && error.code !== "EMESSAGE",
  });
}

const runEmailSend = withRun(emailSendDeclaration, async (input, context) => {
  const settings = smtpSettings(context);
  if (!settings.from) {
    throw new NonRetriableActionError(
      "email.send: no sender address: add an SMTP_FROM secret (or ?from= in SMTP_URL), or ask the operator to set SMTP_FROM",
      { code: "not_configured" },
    );
  }
  // A person's own SMTP host goes through the SSRF guard and the connection is pinned to the
  // checked address; the operator's env settings are trusted (a local relay is common).
  const connectTo = settings.trusted
    ? settings.host
    : (await checkHost(settings.host, settings.port, context.network)).address;
  const timeoutMs = context.timeoutMs ?? 30_000;
  const { default: nodemailer } = await import("nodemailer");
  const connection = abortableConnection(
    { host: connectTo, port: settings.port },
    context.signal,
    Math.min(timeoutMs, 15_000),
  );
  const transporter = nodemailer.createTransport({
    getSocket: connection.open,
    host: connectTo,
    port: settings.port,
    secure: settings.secure,
    // TLS (smtps or STARTTLS) still verifies the certificate against the host name.
    tls: { servername: settings.host },
    auth: settings.user ? { user: settings.user, pass: settings.password ?? "" } : undefined,
    connectionTimeout: Math.min(timeoutMs, 15_000),
    greetingTimeout: Math.min(timeoutMs, 15_000),
    socketTimeout: timeoutMs,
  });
  try {
    const info = await transporter.sendMail({
      from: settings.from,
      to: input.to,
      cc: input.cc,
      subject: input.subject,
      text: input.text,
      html: input.html,
      replyTo: input.replyTo,
    });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0)
      context.logger.warn(`Some recipients were refused: ${rejected.join(", ")}`);
    return { messageId: info.messageId, accepted: (info.accepted ?? []).map(String), rejected };
  } catch (error) {
    throw smtpError(error as SmtpFailure, settings);
  } finally {
    connection.release();
    transporter.close();
  }
});

/**
 * A test run's email: the sender and the settings are read as a real send reads them (an
 * unset SMTP fails the test the way it would fail the run), nothing connects anywhere.
 */
export const emailSend = withSimulation(runEmailSend, async (input, context) => {
  const settings = smtpSettings(context);
  if (!settings.from) {
    throw new NonRetriableActionError(
      "email.send: no sender address: add an SMTP_FROM secret (or ?from= in SMTP_URL), or ask the operator to set SMTP_FROM",
      { code: "not_configured" },
    );
  }
  const to = Array.isArray(input.to) ? input.to : [input.to];
  return {
    wouldSend: {
      kind: "email",
      summary: `email to ${to.join(", ")}: "${input.subject}"`,
      from: settings.from,
      to,
      ...(input.cc?.length ? { cc: input.cc } : {}),
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
      subject: input.subject,
      body: input.text ?? input.html ?? "",
    },
    output: { messageId: "<test-run-not-sent@flowchat>" },
  };
});

/**
 * nodemailer's `getSocket`: the SMTP connection opened here rather than inside nodemailer, so
 * the unit's signal can close it (nodemailer's own connection has no handle; `close()` on a
 * transport does not end a send in flight). nodemailer then speaks SMTP over it as usual,
 * STARTTLS or implicit TLS included.
 */
function abortableConnection(
  target: { host: string; port: number },
  signal: AbortSignal | undefined,
  connectTimeoutMs: number,
) {
  const sockets = new Set<Socket>();
  const closeAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  signal?.addEventListener("abort", closeAll, { once: true });
  return {
    open(
      _options: unknown,
      callback: (error: Error | null, socketOptions?: { connection: Socket }) => void,
    ) {
      if (signal?.aborted) {
        callback(Object.assign(new Error("the send was cancelled"), { code: "ECONNECTION" }));
        return;
      }
      const socket = connect(target);
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.setTimeout(connectTimeoutMs);
      const failed = (error: Error & { code?: string }) => {
        socket.destroy();
        const known = ["ECONNREFUSED", "ETIMEDOUT"].includes(error.code ?? "");
        callback(Object.assign(error, { code: known ? error.code : "ECONNECTION" }));
      };
      const timedOut = () =>
        failed(Object.assign(new Error("connection timed out"), { code: "ETIMEDOUT" }));
      socket.once("error", failed);
      socket.once("timeout", timedOut);
      socket.once("connect", () => {
        socket.off("error", failed);
        socket.off("timeout", timedOut);
        socket.setTimeout(0);
        callback(null, { connection: socket });
      });
    },
    release() {
      signal?.removeEventListener("abort", closeAll);
      closeAll();
    },
  };
}
