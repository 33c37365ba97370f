// Where actions meet the app (the composition root of lib/actions): the person's secrets
// decrypted, services bound to the database, the model, the MCP client and env. The interpreter
// builds each unit's context with `serverContextFactory` inside the durable step, so plaintext
// secrets never land in memoized step state.
import "server-only";
import {
  type ActionContext,
  type ActionServices,
  type CreateActionContextOptions,
  createActionContext,
  type SmtpDefaults,
  type WorkflowStore,
} from "@/lib/actions/runtime/context";
import { NonRetriableActionError } from "@/lib/actions/runtime/errors";
import { STORE_MAX_KEYS } from "@/lib/actions/runtime/store-limits";
import { getLanguageModel } from "@/lib/ai/providers";
import { getMcpServerByName } from "@/lib/db/mcp-queries";
import { getStoreEntry, setStoreEntry } from "@/lib/db/store-queries";
import { getWorkflow } from "@/lib/db/workflow-queries";
import { type Env, env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { mcpClient } from "@/lib/mcp/client";
import { mcpConfigFromRow } from "@/lib/mcp/config";
import { postFromRun } from "@/lib/runs/thread-messages";
import { loadSecrets } from "@/lib/secrets/store";
import type { ContextFactory } from "./unit-steps";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function smtpDefaultsFromEnv(config: Env = env()): SmtpDefaults {
  return {
    url: config.SMTP_URL,
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.SMTP_FROM,
  };
}

export function createDbWorkflowStore(workflowId: string): WorkflowStore {
  return {
    async get(key) {
      const row = await getStoreEntry({ workflowId, key });
      return row ? { found: true, value: row.value } : { found: false, value: null };
    },
    async set(key, value, options = {}) {
      const size = Buffer.byteLength(JSON.stringify(value), "utf8");
      const result = await setStoreEntry({
        workflowId,
        key,
        value,
        size,
        expiresAt: options.expiresAt,
        maxKeys: STORE_MAX_KEYS,
      });
      if (!result.ok) {
        throw new NonRetriableActionError(
          `store.set: this workflow already keeps ${result.keys} keys (the limit is ${STORE_MAX_KEYS}); reuse keys or set a ttl`,
          { code: "limit" },
        );
      }
    },
  };
}

export function serverActionServices(
  { userId, workflowId }: { userId: string; workflowId: string },
  config: Env = env(),
): ActionServices {
  return {
    async postMessage(args) {
      try {
        return await postFromRun(args);
      } catch (error) {
        if (error instanceof AppError && error.status === 404) {
          throw new NonRetriableActionError(
            "chat.post: the workflow's chat thread no longer exists",
            { code: "not_found" },
          );
        }
        throw error;
      }
    },
    store: createDbWorkflowStore(workflowId),
    languageModel: () => getLanguageModel(config),
    async mcpServer(name) {
      const row = await getMcpServerByName({ userId, name });
      return row ? mcpConfigFromRow(row) : undefined;
    },
    mcpClient,
    mcpAllowStdio: config.MCP_ALLOW_STDIO,
    smtp: smtpDefaultsFromEnv(config),
    async workflow(id) {
      // Not an id at all: no workflow of anyone's (and no query with it).
      if (!UUID.test(id)) return undefined;
      const workflow = await getWorkflow({ id, userId });
      return workflow
        ? { id: workflow.id, title: workflow.title, runnable: workflow.activeVersionId !== null }
        : undefined;
    },
  };
}

export async function createServerActionContext(
  options: Omit<CreateActionContextOptions, "services" | "secrets"> & {
    /** Already-loaded secrets; loaded from the store when omitted. */
    secrets?: Record<string, string>;
    services?: Partial<ActionServices>;
  },
): Promise<ActionContext> {
  const secrets = options.secrets ?? (await loadSecrets({ userId: options.userId }));
  return createActionContext({
    ...options,
    secrets,
    services: { ...serverActionServices(options), ...options.services },
  });
}

/**
 * The interpreter's default: each unit's context with the person's secrets and the app's
 * services. The secrets are read and decrypted once per call of the function (`shared`),
 * not once per unit: a saved secret is seen from the run's next call on.
 */
export const serverContextFactory: ContextFactory = async (options) => {
  const secrets = await sharedOnce(options.shared, `secrets:${options.userId}`, () =>
    loadSecrets({ userId: options.userId }),
  );
  const context = await createServerActionContext({ ...options, secrets });
  return { context, secrets };
};

/** `load()` once per `shared` map (a failed load is not kept: the next unit tries again). */
function sharedOnce<T>(
  shared: Map<string, Promise<unknown>> | undefined,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  if (!shared) return load();
  const kept = shared.get(key) as Promise<T> | undefined;
  if (kept) return kept;
  const loading = load();
  shared.set(key, loading);
  loading.catch(() => {
    if (shared.get(key) === loading) shared.delete(key);
  });
  return loading;
}
