// Settings: the person's secrets (names and times only; values are never shown again) and
// their MCP server connections.
import { redirect } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { listMcpServers } from "@/lib/db/mcp-queries";
import { env } from "@/lib/env";
import { publicMcpServer } from "@/lib/mcp/config";
import { listSecrets } from "@/lib/secrets/store";
import { McpServersPanel } from "./_components/mcp-servers-panel";
import { SecretsPanel } from "./_components/secrets-panel";

export const dynamic = "force-dynamic";

export const metadata = { title: "Settings · Flowchat" };

export default async function SettingsPage() {
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const [secrets, servers] = await Promise.all([
    listSecrets({ userId }),
    listMcpServers({ userId }),
  ]);

  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 dark:border-zinc-800">
        <h1 className="text-sm font-medium">Settings</h1>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto flex max-w-3xl flex-col gap-10 px-4 py-6">
          <SecretsPanel
            secrets={secrets.map((secret) => ({
              name: secret.name,
              updatedAt: secret.updatedAt.toISOString(),
            }))}
          />
          <McpServersPanel
            servers={servers.map((row) => {
              const server = publicMcpServer(row);
              return { ...server, updatedAt: server.updatedAt.toISOString() };
            })}
            secretNames={secrets.map((secret) => secret.name)}
            allowStdio={env().MCP_ALLOW_STDIO}
          />
        </div>
      </div>
    </div>
  );
}
