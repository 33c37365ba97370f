// The only reader of process.env: every setting the app understands, validated once.
import { z } from "zod";
import { AllowListError, parseAllowList } from "@/lib/net/allow-list";
import { isLimitName, type LimitName, type LimitSpec } from "@/lib/rate-limit/limits";

const emptyAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(
  emptyAsUndefined,
  z.url({ error: "must be an absolute URL, such as http://127.0.0.1:11434/v1" }).optional(),
);
const flag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(["1", "0", "true", "false"])
    .optional()
    .transform((v) => v === "1" || v === "true"),
);

const durationUnits: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600 };

/** `RATE_LIMITS=register=100/1h,chat=60/1m`: limit name = points / window (s, m or h). */
const rateLimitOverrides = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const table: Partial<Record<LimitName, LimitSpec>> = {};
      for (const item of (value ?? "").split(",").map((part) => part.trim())) {
        if (!item) continue;
        const match = /^([a-z-]+)=(\d+)\/(\d+)([smh]?)$/.exec(item);
        const name = match?.[1] ?? "";
        if (!match || !isLimitName(name) || Number(match[2]) < 1 || Number(match[3]) < 1) {
          ctx.addIssue({
            code: "custom",
            message: `"${item}" is not name=points/window (e.g. register=100/1h) with a known limit name`,
          });
          return z.NEVER;
        }
        table[name] = {
          points: Number(match[2]),
          duration: Number(match[3]) * (durationUnits[match[4] ?? ""] ?? 1),
        };
      }
      return table;
    }),
);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),

  // Database: PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise.
  DATABASE_URL: optionalUrl,
  PGLITE_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data/pglite")),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default(".data")),

  // Accounts (Auth.js). AUTH_SECRET is generated into DATA_DIR when missing.
  AUTH_SECRET: optionalString,
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,

  // Client addresses for rate limits: how many reverse proxies in front of the app append to
  // X-Forwarded-For (lib/rate-limit/client-address.ts). 0: the app is reached directly.
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  // Overrides of the named rate limits (lib/rate-limit/limits.ts), e.g. register=100/1h.
  RATE_LIMITS: rateLimitOverrides,

  // Model: any OpenAI-compatible endpoint.
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_MODEL: optionalString,
  OPENAI_API: z.preprocess(emptyAsUndefined, z.enum(["responses", "chat"]).optional()),

  // Inngest: nothing set means the embedded executor. INNGEST_MODE picks one explicitly;
  // unset, INNGEST_DEV=1 means the Dev Server and a signing key or base URL means Inngest
  // Cloud / self-hosted. In embedded mode INNGEST_SIGNING_KEY / INNGEST_EVENT_KEY are the
  // embedded engine's keys (generated into DATA_DIR when unset).
  INNGEST_MODE: z.preprocess(emptyAsUndefined, z.enum(["embedded", "dev", "cloud"]).optional()),
  INNGEST_DEV: flag,
  INNGEST_BASE_URL: optionalUrl,
  INNGEST_SIGNING_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(
        /^(signkey-\w+-)?([0-9a-f]{2})+$/i,
        'must be hex, optionally prefixed "signkey-<env>-" (as Inngest\'s keys are)',
      )
      .optional(),
  ),
  INNGEST_EVENT_KEY: optionalString,
  // Port of the embedded executor's API (events at /e/:key); change it to run two local
  // instances side by side (dev on 3000, e2e on 3100).
  INNGEST_EMBEDDED_PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(65535).default(8288),
  ),

  // Days an ended run keeps the embedded executor's own memo of its steps, and its events
  // (the app's run history is RUN_RETENTION_DAYS, below).
  INNGEST_EMBEDDED_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(36500).default(7),
  ),

  // Largest request body of webhooks and JSON routes, and of the engine's calls to
  // /api/inngest (which carry a run's memoized step results).
  MAX_REQUEST_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
  ),
  INNGEST_MAX_REQUEST_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .default(32 * 1024 * 1024),
  ),

  // Runs: the app's own port (set by `next start -p` / `next dev -p`), its public URL for
  // resume links, the key resume tokens are signed with, and runs in flight per person.
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  APP_URL: optionalUrl,
  RUN_RESUME_SECRET: optionalString,
  RUN_CONCURRENCY_PER_USER: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(1000).default(10),
  ),
  // Retention: ended runs (with their steps, log and stored outputs) older than this many days
  // are pruned daily; failed runs are kept for RUN_RETENTION_FAILED_DAYS. The metrics'
  // rollups are kept (lib/runs/retention.ts).
  RUN_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(36500).default(90),
  ),
  RUN_RETENTION_FAILED_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(36500).default(180),
  ),

  // Secrets store: 32 bytes, base64 or hex. Generated into DATA_DIR when missing.
  SECRETS_KEY: optionalString,

  // Outbound HTTP from workflow steps: private and loopback destinations are refused unless
  // listed here (comma-separated host names, `*.suffix`, addresses or CIDR networks, each
  // with an optional `:port`; IPv6 with a port in brackets). Parsed here too, so a malformed
  // entry stops the app with the entry and what is wrong with it. PORT and
  // INNGEST_EMBEDDED_PORT on local addresses stay refused whatever it says.
  HTTP_ALLOWLIST: optionalString.superRefine((value, ctx) => {
    try {
      parseAllowList(value);
    } catch (error) {
      if (!(error instanceof AllowListError)) throw error;
      for (const problem of error.problems) ctx.addIssue({ code: "custom", message: problem });
    }
  }),
  HTTP_MAX_RESPONSE_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1024).optional(),
  ),

  // Email (email.send): SMTP_URL, or host/port/user/password; a user's own SMTP_URL secret
  // takes precedence. SMTP_FROM is the sender when the user's secrets give none.
  SMTP_URL: optionalString,
  SMTP_HOST: optionalString,
  SMTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  SMTP_FROM: optionalString,

  // MCP servers: people may add stdio (local command) servers only when this is set.
  MCP_ALLOW_STDIO: flag,
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  /** One line per problem, `NAME: what is wrong` (never the value: it may be a secret). */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((i) => `  - ${i}`).join("\n")}\n` +
        "Fix or unset these variables (see the README's Configuration) and start again.",
    );
    this.name = "EnvError";
    this.problems = problems;
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  return result.data;
}

/**
 * The settings check at start (instrumentation.ts): the problems, or none. What is valid but
 * likely a mistake comes back as warnings.
 */
export function checkSettings(source: Record<string, string | undefined>): {
  problems: string[];
  warnings: string[];
} {
  let config: Env;
  try {
    config = parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return { problems: error.problems, warnings: [] };
    throw error;
  }
  const warnings: string[] = [];
  if (config.OPENAI_BASE_URL && !config.OPENAI_MODEL) {
    warnings.push(
      "OPENAI_BASE_URL is set without OPENAI_MODEL: the server is asked for OpenAI's default model id, which most local servers do not serve. Set OPENAI_MODEL to one of its models.",
    );
  }
  return { problems: [], warnings };
}

let cached: Env | undefined;

/** Parsed lazily so that `next build` and tests can import modules without a full env. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnvForTests() {
  cached = undefined;
}
