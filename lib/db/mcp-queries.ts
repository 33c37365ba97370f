// A person's MCP server connections; every query filters by owner.
import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { queryDb as db } from "./index";
import { type McpServer, mcpServers } from "./schema";

export type McpServerFields = {
  name: string;
  transport: "http" | "stdio";
  url?: string | null;
  headerName?: string | null;
  headerSecret?: string | null;
  command?: string | null;
  args?: string[] | null;
};

function columns(fields: McpServerFields) {
  const http = fields.transport === "http";
  return {
    name: fields.name,
    transport: fields.transport,
    url: http ? (fields.url ?? null) : null,
    headerName: http ? (fields.headerName ?? null) : null,
    headerSecret: http ? (fields.headerSecret ?? null) : null,
    command: http ? null : (fields.command ?? null),
    args: http ? null : (fields.args ?? []),
  };
}

export async function listMcpServers({ userId }: { userId: string }): Promise<McpServer[]> {
  return (await db())
    .select()
    .from(mcpServers)
    .where(eq(mcpServers.userId, userId))
    .orderBy(asc(mcpServers.name));
}

export async function getMcpServer({
  userId,
  id,
}: {
  userId: string;
  id: string;
}): Promise<McpServer | undefined> {
  const [row] = await (await db())
    .select()
    .from(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)));
  return row;
}

export async function getMcpServerByName({
  userId,
  name,
}: {
  userId: string;
  name: string;
}): Promise<McpServer | undefined> {
  const [row] = await (await db())
    .select()
    .from(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.name, name)));
  return row;
}

/** `conflict:api` when the person already has a server with that name. */
export async function createMcpServer({
  userId,
  fields,
}: {
  userId: string;
  fields: McpServerFields;
}): Promise<McpServer> {
  const [row] = await (await db())
    .insert(mcpServers)
    .values({ userId, ...columns(fields) })
    .onConflictDoNothing({ target: [mcpServers.userId, mcpServers.name] })
    .returning();
  if (!row)
    throw new AppError("conflict:api", `You already have an MCP server named ${fields.name}.`);
  return row;
}

export async function updateMcpServer({
  userId,
  id,
  fields,
}: {
  userId: string;
  id: string;
  fields: McpServerFields;
}): Promise<McpServer> {
  try {
    const [row] = await (await db())
      .update(mcpServers)
      .set({ ...columns(fields), updatedAt: new Date() })
      .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)))
      .returning();
    if (!row) throw new AppError("not_found:api", "No such MCP server.");
    return row;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string; cause?: { code?: string } }).cause?.code;
    if (code === "23505" || (error as { code?: string }).code === "23505") {
      throw new AppError("conflict:api", `You already have an MCP server named ${fields.name}.`);
    }
    throw error;
  }
}

export async function deleteMcpServer({ userId, id }: { userId: string; id: string }) {
  const [row] = await (await db())
    .delete(mcpServers)
    .where(and(eq(mcpServers.userId, userId), eq(mcpServers.id, id)))
    .returning({ id: mcpServers.id });
  if (!row) throw new AppError("not_found:api", "No such MCP server.");
}
