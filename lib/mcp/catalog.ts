// The tools of a person's MCP servers, for the planner's catalog (names, descriptions,
// input schemas). Servers are asked in parallel with a short timeout; answers are cached
// briefly so every chat turn does not reconnect to every server.
import "server-only";
import { listMcpServers } from "@/lib/db/mcp-queries";
import { env } from "@/lib/env";
import { networkPolicyFromEnv } from "@/lib/net/env-policy";
import type { NetworkPolicy } from "@/lib/net/policy";
import { createRedactor } from "@/lib/secrets/redact";
import { loadSecrets } from "@/lib/secrets/store";
import { listMcpTools } from "./client";
import { mcpConfigFromRow } from "./config";
import type { McpServerTools } from "./types";

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; value: McpServerTools }>();

export interface ListUserMcpToolsOptions {
  timeoutMs?: number;
  network?: NetworkPolicy;
  allowStdio?: boolean;
  /** Skip the cache (the settings page's "Test connection"). */
  fresh?: boolean;
}

/** Every configured server with its tools, or the error that kept us from listing them. */
export async function listUserMcpTools(
  userId: string,
  options: ListUserMcpToolsOptions = {},
): Promise<McpServerTools[]> {
  const rows = await listMcpServers({ userId });
  if (rows.length === 0) return [];
  const needed = rows.flatMap((row) => (row.headerSecret ? [row.headerSecret] : []));
  const secrets = needed.length > 0 ? await loadSecrets({ userId, names: needed }) : {};
  const redactor = createRedactor(secrets);
  const network = options.network ?? networkPolicyFromEnv();
  const allowStdio = options.allowStdio ?? env().MCP_ALLOW_STDIO;
  return Promise.all(
    rows.map(async (row): Promise<McpServerTools> => {
      const cacheKey = `${row.id}:${row.updatedAt.getTime()}`;
      const hit = cache.get(cacheKey);
      if (!options.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.value;
      let value: McpServerTools;
      try {
        const tools = await listMcpTools(mcpConfigFromRow(row), {
          secret: (name) => secrets[name],
          network,
          allowStdio,
          timeoutMs: options.timeoutMs ?? 10_000,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        value = { server: row.name, tools };
      } catch (error) {
        value = { server: row.name, tools: [], error: redactor.text((error as Error).message) };
      }
      cache.set(cacheKey, { at: Date.now(), value });
      return value;
    }),
  );
}

export function clearMcpToolsCache() {
  cache.clear();
}
