// The caller's MCP server connections: list and add.
import { requireUserId } from "@/app/(auth)/require-user";
import { createMcpServer, listMcpServers } from "@/lib/db/mcp-queries";
import { toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { publicMcpServer } from "@/lib/mcp/config";
import { parseServerInput } from "./shared";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const userId = await requireUserId();
    const rows = await listMcpServers({ userId });
    return Response.json({ servers: rows.map(publicMcpServer) });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}

export async function POST(request: Request) {
  try {
    const userId = await requireUserId();
    const fields = await parseServerInput(userId, await readJsonBody(request));
    const row = await createMcpServer({ userId, fields });
    return Response.json({ server: publicMcpServer(row) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
