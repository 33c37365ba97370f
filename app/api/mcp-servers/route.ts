// The caller's MCP server connections: list and add.
import { currentUserId } from "@/app/(auth)/auth";
import { createMcpServer, listMcpServers } from "@/lib/db/mcp-queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { publicMcpServer } from "@/lib/mcp/config";
import { parseServerInput } from "./shared";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const userId = await currentUserId();
    if (!userId) throw new AppError("unauthorized:auth");
    const rows = await listMcpServers({ userId });
    return Response.json({ servers: rows.map(publicMcpServer) });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}

export async function POST(request: Request) {
  try {
    const userId = await currentUserId();
    if (!userId) throw new AppError("unauthorized:auth");
    const fields = await parseServerInput(userId, await readJsonBody(request));
    const row = await createMcpServer({ userId, fields });
    return Response.json({ server: publicMcpServer(row) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
