// "Test connection": connect to one of the caller's MCP servers and list its tools.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { getMcpServer } from "@/lib/db/mcp-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { testMcpServer } from "@/lib/mcp/catalog";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: z.uuid() });

export async function POST(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const userId = await requireUserId();
    const params = paramsSchema.safeParse(await context.params);
    const row = params.success ? await getMcpServer({ userId, id: params.data.id }) : undefined;
    if (!row) throw new AppError("not_found:api", "No such MCP server.");
    const result = await testMcpServer(userId, row);
    return Response.json({
      ok: result.error === undefined,
      tools: result.tools.map((tool) => ({ name: tool.name, description: tool.description })),
      ...(result.error ? { error: result.error } : {}),
    });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
