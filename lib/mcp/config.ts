// MCP connection settings: validation of what a person enters, and row ↔ client config.
import { z } from "zod";
import type { McpServer } from "@/lib/db/schema";
import { secretNameSchema } from "@/lib/secrets/names";
import type { McpServerConfig } from "./types";

export const MCP_SERVER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;

const httpUrl = z
  .string()
  .trim()
  .url("Enter the server's URL, like https://mcp.example.com/mcp")
  .refine((value) => /^https?:\/\//i.test(value), "The URL must start with http:// or https://");

const serverName = z
  .string()
  .trim()
  .regex(
    MCP_SERVER_NAME_PATTERN,
    "Use lowercase letters, digits, - and _, starting with a letter (like calendar), at most 40 characters.",
  );

/** The form a person submits (settings page and API). */
export const mcpServerInputSchema = z.discriminatedUnion("transport", [
  z.strictObject({
    name: serverName,
    transport: z.literal("http"),
    url: httpUrl,
    headerName: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,64}$/, "Header names use letters, digits and dashes.")
      .optional(),
    headerSecret: secretNameSchema.optional(),
  }),
  z.strictObject({
    name: serverName,
    transport: z.literal("stdio"),
    command: z.string().trim().min(1, "Enter the command to run.").max(500),
    args: z.array(z.string().max(1000)).max(50).default([]),
  }),
]);

export type McpServerInput = z.infer<typeof mcpServerInputSchema>;

export function mcpConfigFromRow(row: McpServer): McpServerConfig {
  if (row.transport === "stdio") {
    return { name: row.name, transport: "stdio", command: row.command ?? "", args: row.args ?? [] };
  }
  return {
    name: row.name,
    transport: "http",
    url: row.url ?? "",
    headerName: row.headerName,
    headerSecret: row.headerSecret,
  };
}

/** What the UI may see of a row (the header's value is a secret and never stored here). */
export function publicMcpServer(row: McpServer) {
  return {
    id: row.id,
    name: row.name,
    transport: row.transport,
    url: row.url,
    headerName: row.headerName,
    headerSecret: row.headerSecret,
    command: row.command,
    args: row.args,
    updatedAt: row.updatedAt,
  };
}
