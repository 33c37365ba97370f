// What the MCP server routes share: input checks that need the operator's settings and the
// caller's secrets.
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { type McpServerInput, mcpServerInputSchema } from "@/lib/mcp/config";
import { listSecrets } from "@/lib/secrets/store";

export async function parseServerInput(userId: string, raw: unknown): Promise<McpServerInput> {
  const body = mcpServerInputSchema.safeParse(raw);
  if (!body.success) {
    const issue = body.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError("bad_request:api", `${field}${issue?.message ?? "Invalid server."}`);
  }
  const input = body.data;
  if (input.transport === "stdio" && !env().MCP_ALLOW_STDIO) {
    throw new AppError(
      "forbidden:api",
      "This server does not run local MCP commands (the operator can enable them with MCP_ALLOW_STDIO=1).",
    );
  }
  if (input.transport === "http") {
    if (Boolean(input.headerName) !== Boolean(input.headerSecret)) {
      throw new AppError(
        "bad_request:api",
        "Give both a header name and the secret that holds its value, or neither.",
      );
    }
    if (input.headerSecret) {
      const names = (await listSecrets({ userId })).map((secret) => secret.name);
      if (!names.includes(input.headerSecret)) {
        throw new AppError(
          "bad_request:api",
          `There is no secret named ${input.headerSecret}; add it first.`,
        );
      }
    }
  }
  return input;
}
