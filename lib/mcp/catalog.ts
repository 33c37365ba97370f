// The tools of a person's MCP servers, for the planner's catalog (names, descriptions,
// input schemas). Servers are asked in parallel with a short timeout; answers are cached
// briefly so every chat turn does not reconnect to every server.
import "server-only";
import { listMcpServers } from "@/lib/db/mcp-queries";
import type { McpServer } from "@/lib/db/schema";
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
  return Promise.all(rows.map((row) => serverTools(row, secrets, options)));
}

/** One server's tools ("Test connection"); never cached. */
export async function testMcpServer(
  userId: string,
  row: McpServer,
  options: ListUserMcpToolsOptions = {},
): Promise<McpServerTools> {
  const secrets = row.headerSecret ? await loadSecrets({ userId, names: [row.headerSecret] }) : {};
  return serverTools(row, secrets, { ...options, fresh: true });
}

async function serverTools(
  row: McpServer,
  secrets: Record<string, string>,
  options: ListUserMcpToolsOptions,
): Promise<McpServerTools> {
  const cacheKey = `${row.id}:${row.updatedAt.getTime()}`;
  const hit = cache.get(cacheKey);
  if (!options.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let value: McpServerTools;
  try {
    const tools = await listMcpTools(mcpConfigFromRow(row), {
      secret: (name) => secrets[name],
      network: options.network ?? networkPolicyFromEnv(),
      allowStdio: options.allowStdio ?? env().MCP_ALLOW_STDIO,
      timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    value = { server: row.name, tools };
  } catch (error) {
    const message = createRedactor(secrets).text((error as Error).message);
    value = { server: row.name, tools: [], error: message };
  }
  cache.set(cacheKey, { at: Date.now(), value });
  return value;
}

export function clearMcpToolsCache() {
  cache.clear();
}
