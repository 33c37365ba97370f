"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { buttonClass, inputClass, primaryButtonClass, send, timeAgo } from "./api";

type ServerItem = {
  id: string;
  name: string;
  transport: "http" | "stdio";
  url: string | null;
  headerName: string | null;
  headerSecret: string | null;
  command: string | null;
  args: string[] | null;
  updatedAt: string;
};

type TestResult =
  | { ok: true; tools: { name: string; description?: string }[] }
  | { ok: false; error: string };

type Props = { servers: ServerItem[]; secretNames: string[]; allowStdio: boolean };

export function McpServersPanel({ servers, secretNames, allowStdio }: Props) {
  const router = useRouter();
  const [transport, setTransport] = useState<"http" | "stdio">("http");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [headerName, setHeaderName] = useState("Authorization");
  const [headerSecret, setHeaderSecret] = useState("");
  const [command, setCommand] = useState("");
  const [args, setArgs] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, TestResult | "running">>({});

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const body =
      transport === "http"
        ? {
            name: name.trim(),
            transport,
            url: url.trim(),
            ...(headerSecret ? { headerName: headerName.trim(), headerSecret } : {}),
          }
        : {
            name: name.trim(),
            transport,
            command: command.trim(),
            args: args.trim() ? args.trim().split(/\s+/) : [],
          };
    const result = await send("/api/mcp-servers", "POST", body);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setName("");
    setUrl("");
    setHeaderSecret("");
    setCommand("");
    setArgs("");
    router.refresh();
  }

  async function test(server: ServerItem) {
    setTests((current) => ({ ...current, [server.id]: "running" }));
    const result = await send(`/api/mcp-servers/${server.id}/test`, "POST");
    setTests((current) => ({
      ...current,
      [server.id]: result.ok ? (result.data as TestResult) : { ok: false, error: result.message },
    }));
  }

  async function remove(server: ServerItem) {
    if (!window.confirm(`Remove the MCP server ${server.name}?`)) return;
    const result = await send(`/api/mcp-servers/${server.id}`, "DELETE");
    if (!result.ok) setProblem(result.message);
    router.refresh();
  }

  return (
    <section aria-labelledby="mcp-heading" data-testid="mcp-panel">
      <h2 id="mcp-heading" className="text-base font-semibold">
        MCP servers
      </h2>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        Connect Model Context Protocol servers (mail, calendar, GitHub, Linear, Notion…). Their
        tools become available to workflows as{" "}
        <code className="rounded bg-zinc-100 px-1 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          mcp.call
        </code>{" "}
        steps.
      </p>

      {problem ? (
        <p role="alert" className="mt-3 text-sm text-red-600" data-testid="mcp-error">
          {problem}
        </p>
      ) : null}

      <ul className="mt-4 divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {servers.length === 0 ? (
          <li className="px-3 py-3 text-sm text-zinc-500 dark:text-zinc-400">
            No MCP servers yet.
          </li>
        ) : null}
        {servers.map((server) => {
          const result = tests[server.id];
          return (
            <li key={server.id} className="flex flex-col gap-2 px-3 py-2" data-testid="mcp-item">
              <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
                <div className="min-w-48 flex-1">
                  <p className="text-sm font-medium">{server.name}</p>
                  <p className="break-all text-xs text-zinc-500 dark:text-zinc-400">
                    {server.transport === "http"
                      ? `${server.url}${server.headerSecret ? ` · ${server.headerName}: secrets.${server.headerSecret}` : ""}`
                      : `${server.command} ${(server.args ?? []).join(" ")}`}{" "}
                    · updated {timeAgo(server.updatedAt)}
                  </p>
                </div>
                <div className="flex shrink-0 gap-2">
                  <button
                    type="button"
                    className={buttonClass}
                    disabled={result === "running"}
                    onClick={() => test(server)}
                    data-testid="mcp-test"
                  >
                    {result === "running" ? "Testing…" : "Test connection"}
                  </button>
                  <button
                    type="button"
                    className={buttonClass}
                    onClick={() => remove(server)}
                    aria-label={`Remove ${server.name}`}
                  >
                    Remove
                  </button>
                </div>
              </div>
              {result && result !== "running" ? (
                result.ok ? (
                  <div className="text-xs" data-testid="mcp-test-result">
                    <p className="text-emerald-700 dark:text-emerald-400">
                      Connected: {result.tools.length} tool{result.tools.length === 1 ? "" : "s"}
                    </p>
                    <ul className="mt-1 list-disc pl-5 text-zinc-600 dark:text-zinc-400">
                      {result.tools.map((tool) => (
                        <li key={tool.name}>
                          <code>{tool.name}</code>
                          {tool.description ? ` — ${tool.description}` : ""}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : (
                  <p className="text-xs text-red-600" data-testid="mcp-test-result">
                    {result.error}
                  </p>
                )
              ) : null}
            </li>
          );
        })}
      </ul>

      <form
        onSubmit={add}
        className="mt-4 flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      >
        <div className="flex flex-col gap-2 sm:flex-row">
          <input
            value={name}
            onChange={(event) => setName(event.target.value.toLowerCase())}
            placeholder="name (like calendar)"
            aria-label="Server name"
            className={inputClass}
            data-testid="mcp-name"
          />
          <select
            value={transport}
            onChange={(event) => setTransport(event.target.value as "http" | "stdio")}
            aria-label="Transport"
            className="rounded-lg border border-zinc-300 bg-white px-2 py-2 text-sm sm:py-0 dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="http">HTTP</option>
            <option value="stdio" disabled={!allowStdio}>
              Local command{allowStdio ? "" : " (disabled on this server)"}
            </option>
          </select>
        </div>
        {transport === "http" ? (
          <>
            <input
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://mcp.example.com/mcp"
              aria-label="Server URL"
              className={inputClass}
              data-testid="mcp-url"
            />
            <div className="flex flex-col gap-2 sm:flex-row">
              <input
                value={headerName}
                onChange={(event) => setHeaderName(event.target.value)}
                placeholder="Header name"
                aria-label="Auth header name"
                className={inputClass}
              />
              <select
                value={headerSecret}
                onChange={(event) => setHeaderSecret(event.target.value)}
                aria-label="Secret with the header's value"
                className="rounded-lg border border-zinc-300 bg-white px-2 py-2 text-sm sm:min-w-48 sm:py-0 dark:border-zinc-700 dark:bg-zinc-900"
              >
                <option value="">No auth header</option>
                {secretNames.map((secretName) => (
                  <option key={secretName} value={secretName}>
                    secrets.{secretName}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : (
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              value={command}
              onChange={(event) => setCommand(event.target.value)}
              placeholder="Command (like npx)"
              aria-label="Command"
              className={inputClass}
            />
            <input
              value={args}
              onChange={(event) => setArgs(event.target.value)}
              placeholder="Arguments, space-separated"
              aria-label="Arguments"
              className={inputClass}
            />
          </div>
        )}
        <div>
          <button
            type="submit"
            disabled={
              busy || !name.trim() || (transport === "http" ? !url.trim() : !command.trim())
            }
            className={primaryButtonClass}
            data-testid="mcp-add"
          >
            Add server
          </button>
        </div>
      </form>
    </section>
  );
}
