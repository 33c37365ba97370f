// What an action implementation receives besides its input. `createActionContext` builds one per
// unit (step or loop item) from plain values; the services (database, model, MCP client, SMTP)
// are injected by whoever composes the app (inngest/functions/action-context.ts), so nothing
// here knows the database, the model or the secrets store.
import type { LanguageModel } from "ai";
import type {
  McpCallResult,
  McpConnectOptions,
  McpServerConfig,
  McpToolInfo,
} from "@/lib/mcp/types";
import { networkPolicyFromEnv } from "@/lib/net/env-policy";
import type { NetworkPolicy } from "@/lib/net/policy";
import { createRedactor, type Redactor } from "@/lib/secrets/redact";

/** The person's secrets, decrypted for this unit; read them by name. */
export interface SecretsAccessor {
  get(name: string): string | undefined;
  has(name: string): boolean;
  names(): string[];
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface ActionLogEntry {
  level: LogLevel;
  message: string;
  data?: unknown;
  runId: string;
  stepId: string;
  unitId: string;
}

/** Messages and data are redacted before they reach the sink. */
export interface ActionLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

export type LogSink = (entry: ActionLogEntry) => void;

/** A workflow's key-value store (store.get / store.set). */
export interface WorkflowStore {
  get(key: string): Promise<{ found: boolean; value: unknown }>;
  /** Throws an ActionError (code "limit") when the workflow already has too many keys. */
  set(key: string, value: unknown, options?: { expiresAt?: Date }): Promise<void>;
}

/** SMTP settings from the operator's env, used when the person has no SMTP_URL secret. */
export interface SmtpDefaults {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  from?: string;
}

/** Talks to MCP servers (lib/mcp's client); errors it throws are lib/mcp's McpError. */
export interface McpClient {
  callTool(
    server: McpServerConfig,
    tool: string,
    args: Record<string, unknown>,
    options: McpConnectOptions,
  ): Promise<McpCallResult>;
  /** The server's tools (a test run asks whether a tool is marked read-only). */
  listTools?(server: McpServerConfig, options: McpConnectOptions): Promise<McpToolInfo[]>;
}

/** Side doors to the rest of the app. Missing ones make the action fail as not configured. */
export interface ActionServices {
  /** chat.post: appends an assistant message (markdown text part) to the owner's thread. */
  postMessage?(args: {
    userId: string;
    threadId: string;
    /** Stable per unit, so a retried step does not post twice. */
    messageId: string;
    text: string;
    source: { runId: string; workflowId: string; stepId: string };
  }): Promise<{ messageId: string }>;
  /** store.get / store.set, bound to the context's workflow. */
  store?: WorkflowStore;
  /** ai.generate */
  languageModel?(): LanguageModel;
  /** mcp.call: the person's server by name (owner-filtered), or undefined. */
  mcpServer?(name: string): Promise<McpServerConfig | undefined>;
  /** mcp.call: the client that talks to the server. */
  mcpClient?: McpClient;
  /** Whether stdio MCP servers may be started (operator's MCP_ALLOW_STDIO). */
  mcpAllowStdio?: boolean;
  /** email.send */
  smtp?: SmtpDefaults;
  /**
   * workflow.run in a test run: the person's workflow by id (owner-filtered), and whether it
   * has an approved version to run; undefined when it is not theirs.
   */
  workflow?(id: string): Promise<{ id: string; title: string; runnable: boolean } | undefined>;
}

export interface ActionContext {
  runId: string;
  workflowId: string;
  userId: string;
  /** Plan step id, and the unit id (`<stepId>#<index>` inside a loop). */
  stepId: string;
  unitId: string;
  attempt: number;
  /**
   * Aborted when the run is cancelled (reason: `RunCancelledError`) or the step's timeout
   * passes (reason: a `timeout` ActionError). Every action that waits on something outside
   * passes it on (fetch, the model call, the MCP request) or closes its connection on it (SMTP).
   */
  signal?: AbortSignal;
  /** The step's timeout (plan `timeout`), in ms; actions bound their own waits by it. */
  timeoutMs?: number;
  /** The chat thread the workflow belongs to; chat.post needs it. */
  threadId?: string;
  secrets: SecretsAccessor;
  /** Replaces secret values; every output and error passes through it. */
  redactor: Redactor;
  logger: ActionLogger;
  /** Outbound HTTP rules (SSRF guard, limits). */
  network: NetworkPolicy;
  services: ActionServices;
}

export function createSecretsAccessor(values: Record<string, string>): SecretsAccessor {
  const map = new Map(Object.entries(values));
  return {
    get: (name) => map.get(name),
    has: (name) => map.has(name),
    names: () => [...map.keys()].sort(),
  };
}

const consoleSink: LogSink = (entry) => {
  const line = `[action ${entry.stepId}] ${entry.message}`;
  const args = entry.data === undefined ? [line] : [line, entry.data];
  if (entry.level === "error") console.error(...args);
  else if (entry.level === "warn") console.warn(...args);
  else if (entry.level === "info") console.info(...args);
  else console.debug(...args);
};

export function createActionLogger(
  redactor: Redactor,
  where: { runId: string; stepId: string; unitId: string },
  sink: LogSink = consoleSink,
): ActionLogger {
  const write = (level: LogLevel) => (message: string, data?: unknown) =>
    sink({
      level,
      message: redactor.text(message),
      ...(data === undefined ? {} : { data: redactor.value(data) }),
      ...where,
    });
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

export interface CreateActionContextOptions {
  runId: string;
  workflowId: string;
  userId: string;
  stepId: string;
  /** Defaults to stepId. */
  unitId?: string;
  /** Defaults to 1. */
  attempt?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
  threadId?: string;
  /** Decrypted secrets by name; also what the redactor looks for. */
  secrets?: Record<string, string>;
  /** Defaults to the policy from env (HTTP_ALLOWLIST…). */
  network?: NetworkPolicy;
  services?: ActionServices;
  log?: LogSink;
}

/** Builds a context from plain values; tests and the interpreter both use it. */
export function createActionContext(options: CreateActionContextOptions): ActionContext {
  const secrets = options.secrets ?? {};
  const redactor = createRedactor(secrets);
  const unitId = options.unitId ?? options.stepId;
  return {
    runId: options.runId,
    workflowId: options.workflowId,
    userId: options.userId,
    stepId: options.stepId,
    unitId,
    attempt: options.attempt ?? 1,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    threadId: options.threadId,
    secrets: createSecretsAccessor(secrets),
    redactor,
    logger: createActionLogger(
      redactor,
      { runId: options.runId, stepId: options.stepId, unitId },
      options.log,
    ),
    network: options.network ?? networkPolicyFromEnv(),
    services: options.services ?? {},
  };
}

/** The unit's abort signal combined with a timeout (the step's, else `fallbackMs`). */
export function deadlineSignal(context: ActionContext, fallbackMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(context.timeoutMs ?? fallbackMs);
  return context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
}
