// Change or remove one of the caller's MCP servers; another user's is a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { deleteMcpServer, updateMcpServer } from "@/lib/db/mcp-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { publicMcpServer } from "@/lib/mcp/config";
import { parseServerInput } from "../shared";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: z.uuid() });

type Context = { params: Promise<{ id: string }> };

async function target(context: Context) {
  const userId = await requireUserId();
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) throw new AppError("not_found:api", "No such MCP server.");
  return { userId, id: params.data.id };
}

export async function PUT(request: Request, context: Context) {
  try {
    const { userId, id } = await target(context);
    const fields = await parseServerInput(userId, await readJsonBody(request));
    const row = await updateMcpServer({ userId, id, fields });
    return Response.json({ server: publicMcpServer(row) });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}

export async function DELETE(_request: Request, context: Context) {
  try {
    const { userId, id } = await target(context);
    await deleteMcpServer({ userId, id });
    return new Response(null, { status: 204 });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
