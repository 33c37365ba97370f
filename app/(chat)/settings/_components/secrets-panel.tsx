"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { buttonClass, inputClass, primaryButtonClass, send, timeAgo } from "./api";

type SecretItem = { name: string; updatedAt: string };

export function SecretsPanel({ secrets }: { secrets: SecretItem[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [replacing, setReplacing] = useState<string | null>(null);
  const [replacement, setReplacement] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** The reference a just-saved secret is used by, shown whole after the notice. */
  const [reference, setReference] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const result = await send("/api/secrets", "POST", { name: name.trim(), value });
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setNotice(`Saved ${name.trim()}. Plans use it as`);
    setReference(`{{ secrets.${name.trim()} }}`);
    setName("");
    setValue("");
    router.refresh();
  }

  async function replace(secretName: string) {
    setBusy(true);
    setProblem(null);
    const result = await send(`/api/secrets/${secretName}`, "PUT", { value: replacement });
    setBusy(false);
    if (!result.ok) {
      setProblem(result.message);
      return;
    }
    setReplacing(null);
    setReplacement("");
    setNotice(`Replaced ${secretName}.`);
    setReference(null);
    router.refresh();
  }

  async function remove(secretName: string) {
    if (
      !window.confirm(
        `Delete ${secretName}? Workflows that use it will fail until you add it again.`,
      )
    )
      return;
    const result = await send(`/api/secrets/${secretName}`, "DELETE");
    if (!result.ok) setProblem(result.message);
    else {
      setNotice(`Deleted ${secretName}.`);
      setReference(null);
    }
    router.refresh();
  }

  return (
    <section aria-labelledby="secrets-heading" data-testid="secrets-panel">
      <h2 id="secrets-heading" className="text-base font-semibold">
        Secrets
      </h2>
      <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        API keys, tokens and webhook URLs your workflows use, referenced by name like{" "}
        <code className="whitespace-nowrap rounded bg-zinc-100 px-1 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          {"{{ secrets.SLACK_WEBHOOK }}"}
        </code>
        . Values are encrypted and never shown again; replace one to change it.
      </p>

      {problem ? (
        <p
          role="alert"
          className="mt-3 text-sm [overflow-wrap:anywhere] text-red-600"
          data-testid="secrets-error"
        >
          {problem}
        </p>
      ) : null}
      {notice ? (
        <p
          role="status"
          className="mt-3 text-sm [overflow-wrap:anywhere] text-emerald-700 dark:text-emerald-400"
        >
          {notice}
          {reference ? (
            <>
              {" "}
              {/* One piece when it fits on a line; a name longer than the screen wraps inside. */}
              <span className="inline-block max-w-full [overflow-wrap:anywhere]">
                <code>{reference}</code>.
              </span>
            </>
          ) : null}
        </p>
      ) : null}

      <ul className="mt-4 divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {secrets.length === 0 ? (
          <li className="px-3 py-3 text-sm text-zinc-500 dark:text-zinc-400">No secrets yet.</li>
        ) : null}
        {secrets.map((secret) => (
          <li key={secret.name} className="flex flex-col gap-2 px-3 py-2" data-testid="secret-item">
            <div className="flex items-center gap-3">
              <div className="min-w-0 flex-1">
                <code className="block text-sm font-medium [overflow-wrap:anywhere]">
                  {secret.name}
                </code>
                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                  updated {timeAgo(secret.updatedAt)}
                </span>
              </div>
              <button
                type="button"
                className={buttonClass}
                onClick={() => {
                  setReplacing(replacing === secret.name ? null : secret.name);
                  setReplacement("");
                }}
              >
                Replace
              </button>
              <button
                type="button"
                className={buttonClass}
                onClick={() => remove(secret.name)}
                aria-label={`Delete ${secret.name}`}
              >
                Delete
              </button>
            </div>
            {replacing === secret.name ? (
              <form
                className="flex gap-2"
                onSubmit={(event) => {
                  event.preventDefault();
                  void replace(secret.name);
                }}
              >
                <input
                  type="password"
                  autoComplete="off"
                  value={replacement}
                  onChange={(event) => setReplacement(event.target.value)}
                  placeholder="New value"
                  aria-label={`New value for ${secret.name}`}
                  className={inputClass}
                />
                <button
                  type="submit"
                  disabled={busy || !replacement}
                  className={primaryButtonClass}
                >
                  Save
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>

      <form onSubmit={add} className="mt-4 grid gap-2 sm:grid-cols-[minmax(15rem,1fr)_2fr_auto]">
        <input
          value={name}
          onChange={(event) => setName(event.target.value.toUpperCase())}
          placeholder="NAME (like SLACK_WEBHOOK)"
          aria-label="Secret name"
          className={inputClass}
          data-testid="secret-name"
        />
        <input
          type="password"
          autoComplete="off"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="Value"
          aria-label="Secret value"
          className={inputClass}
          data-testid="secret-value"
        />
        <button
          type="submit"
          disabled={busy || !name.trim() || !value}
          className={primaryButtonClass}
          data-testid="secret-add"
        >
          Add secret
        </button>
      </form>
    </section>
  );
}
