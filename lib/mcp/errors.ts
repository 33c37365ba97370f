// What goes wrong talking to an MCP server, in lib/mcp's own words: a code, whether another
// attempt could succeed, and the HTTP status when the server answered with one. Callers map it
// to theirs (the mcp.call action to ActionError; the planner's catalog shows the message).

export type McpErrorCode =
  /** This server may not be used as configured: stdio not allowed, the header's secret missing. */
  | "not_configured"
  /** The SSRF guard refused the server's address. */
  | "refused"
  /** The server did not answer in time. */
  | "timeout"
  /** The server answered HTTP >= 400 (`status` says which). */
  | "http_status"
  /** The server rejected the request as malformed (JSON-RPC -32600..-32603). */
  | "rejected"
  /** Anything else on the way: connection refused or reset, a stdio command that failed. */
  | "network";

export class McpError extends Error {
  readonly code: McpErrorCode;
  readonly retriable: boolean;
  readonly status?: number;

  constructor(
    message: string,
    options: { code: McpErrorCode; retriable: boolean; status?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "McpError";
    this.code = options.code;
    this.retriable = options.retriable;
    this.status = options.status;
  }
}
