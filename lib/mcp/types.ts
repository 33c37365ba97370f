// A person's MCP server connection as the client needs it (the row minus bookkeeping), and the
// shapes the client takes and gives (the mcp.call action declares its client service with them).
import type { NetworkPolicy } from "@/lib/net/policy";

export type McpServerConfig =
  | {
      name: string;
      transport: "http";
      url: string;
      /** Header sent on every request, e.g. "Authorization"; its value is a secret. */
      headerName?: string | null;
      /** Name of the secret holding the header's value (may include "Bearer "). */
      headerSecret?: string | null;
    }
  | {
      name: string;
      transport: "stdio";
      command: string;
      args: string[];
    };

export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  /** The server marks the tool as only reading (its `readOnlyHint` annotation). */
  readOnly?: boolean;
}

export interface McpServerTools {
  server: string;
  tools: McpToolInfo[];
  /** Set when the server could not be reached; its tools are then unknown. */
  error?: string;
}

export interface McpConnectOptions {
  /** Looks up the secret named by the server's header (and nothing else). */
  secret(name: string): string | undefined;
  network: NetworkPolicy;
  /** The operator's MCP_ALLOW_STDIO. */
  allowStdio: boolean;
  signal?: AbortSignal;
  /** Per request (connect, list, call). */
  timeoutMs?: number;
}

export interface McpCallResult {
  content: unknown[];
  structured?: unknown;
  isError: boolean;
}
