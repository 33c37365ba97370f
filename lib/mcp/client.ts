// Talking to a person's MCP server with the official SDK client: streamable HTTP through the
// SSRF guard (auth header value from a secret), or a stdio command when the operator allows.
// Every failure comes out as an McpError naming the server.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { NetworkError } from "@/lib/net/errors";
import { createGuardedFetch } from "@/lib/net/request";
import { McpError } from "./errors";
import type { McpCallResult, McpConnectOptions, McpServerConfig, McpToolInfo } from "./types";

export const DEFAULT_MCP_TIMEOUT_MS = 60_000;

async function createTransport(
  config: McpServerConfig,
  options: McpConnectOptions,
): Promise<{ transport: Transport; stderr: () => string }> {
  if (config.transport === "stdio") {
    if (!options.allowStdio) {
      throw new McpError(
        `MCP server ${config.name} runs a local command, and this server does not allow that (the operator can set MCP_ALLOW_STDIO=1)`,
        { code: "not_configured", retriable: false },
      );
    }
    const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
    // The child gets the SDK's minimal environment (PATH, HOME…), never the app's secrets.
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    return { transport, stderr: () => stderr.trim() };
  }
  const headers: Record<string, string> = {};
  if (config.headerName && config.headerSecret) {
    const value = options.secret(config.headerSecret);
    if (value === undefined) {
      throw new McpError(
        `MCP server ${config.name} sends the secret ${config.headerSecret}, which does not exist; add it in Settings`,
        { code: "not_configured", retriable: false },
      );
    }
    headers[config.headerName] = value;
  }
  const { StreamableHTTPClientTransport } = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"
  );
  const transport = new StreamableHTTPClientTransport(new URL(config.url), {
    // The header's name is the person's choice; its value is what must not follow a redirect.
    fetch: createGuardedFetch(options.network, { sensitiveValues: Object.values(headers) }),
    requestInit: { headers },
    reconnectionOptions: {
      maxRetries: 0,
      initialReconnectionDelay: 1000,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
    },
  });
  return { transport, stderr: () => "" };
}

/** Any failure while talking to the server as an McpError naming the server. */
function connectionError(error: unknown, config: McpServerConfig, stderr: string): McpError {
  if (error instanceof McpError) return error;
  const where = `MCP server ${config.name}`;
  if (error instanceof NetworkError) {
    return new McpError(`${where}: ${error.message}`, {
      code:
        error.code === "refused_address"
          ? "refused"
          : error.code === "timeout"
            ? "timeout"
            : "network",
      retriable: error.retriable,
    });
  }
  const e = error as { code?: number | string; message?: string };
  const message = (e.message ?? String(error))
    .replace(/^MCP error -?\d+: /, "")
    .replace(/^Streamable HTTP error: /, "");
  // The SDK's StreamableHTTPError carries the HTTP status as its code.
  const status = typeof e.code === "number" && e.code >= 100 && e.code < 600 ? e.code : undefined;
  if (status !== undefined && status >= 400) {
    const retriable = status === 408 || status === 429 || status >= 500;
    return new McpError(`${where} answered HTTP ${status}: ${message.slice(0, 200)}`, {
      code: "http_status",
      status,
      retriable,
    });
  }
  // JSON-RPC errors: -32001 request timeout; -32600..-32603 and -32601 are the caller's fault.
  if (e.code === -32001) {
    return new McpError(`${where} did not answer in time`, { code: "timeout", retriable: true });
  }
  if (typeof e.code === "number" && e.code <= -32600 && e.code >= -32603) {
    return new McpError(`${where}: ${message}`, { code: "rejected", retriable: false });
  }
  const detail = stderr ? ` (stderr: ${stderr.slice(-300)})` : "";
  return new McpError(`${where} failed: ${message}${detail}`, {
    code: "network",
    retriable: true,
  });
}

/** Connects, runs `use`, and always closes (stopping a stdio child). */
export async function withMcpClient<T>(
  config: McpServerConfig,
  options: McpConnectOptions,
  use: (client: Client, request: { signal?: AbortSignal; timeout: number }) => Promise<T>,
): Promise<T> {
  const { transport, stderr } = await createTransport(config, options);
  const client = new Client({ name: "flowchat", version: "0.1.0" });
  const request = { signal: options.signal, timeout: options.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS };
  try {
    await client.connect(transport, request);
    return await use(client, request);
  } catch (error) {
    throw connectionError(error, config, stderr());
  } finally {
    await client.close().catch(() => {});
  }
}

export async function listMcpTools(
  config: McpServerConfig,
  options: McpConnectOptions,
): Promise<McpToolInfo[]> {
  return withMcpClient(config, options, async (client, request) => {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, request);
      for (const tool of page.tools) {
        tools.push({
          name: tool.name,
          description: tool.description,
          inputSchema: tool.inputSchema as Record<string, unknown>,
          ...(tool.annotations?.readOnlyHint === true ? { readOnly: true } : {}),
        });
      }
      cursor = page.nextCursor;
    } while (cursor && tools.length < 500);
    return tools;
  });
}

export async function callMcpTool(
  config: McpServerConfig,
  tool: string,
  args: Record<string, unknown>,
  options: McpConnectOptions,
): Promise<McpCallResult> {
  return withMcpClient(config, options, async (client, request) => {
    const result = await client.callTool({ name: tool, arguments: args }, undefined, request);
    return {
      content: (result.content as unknown[] | undefined) ?? [],
      structured: result.structuredContent,
      isError: result.isError === true,
    };
  });
}

/** The client the app injects into the mcp.call action (lib/actions declares what it needs). */
export const mcpClient = { callTool: callMcpTool, listTools: listMcpTools };
