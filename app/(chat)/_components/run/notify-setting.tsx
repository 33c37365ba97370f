"use client";

// The workflow's notify setting (lib/runs/notify.ts) on its card: what its scheduled and
// event-triggered runs add to the thread. Saved as soon as it changes.
import { useId, useState } from "react";
import { AppError } from "@/lib/errors";
import type { NotifyPolicy } from "@/lib/runs/notify";

const OPTIONS: { value: NotifyPolicy; label: string }[] = [
  { value: "failures", label: "only failures (successful runs add just their posts)" },
  { value: "always", label: "every run, with its card and a summary" },
];

export function NotifySetting({
  workflowId,
  initial,
}: {
  workflowId: string;
  initial: NotifyPolicy;
}) {
  const id = useId();
  const [value, setValue] = useState<NotifyPolicy>(initial);
  const [state, setState] = useState<"idle" | "saving" | "saved" | { error: string }>("idle");

  async function save(next: NotifyPolicy) {
    const before = value;
    setValue(next);
    setState("saving");
    const response = await fetch(`/api/workflows/${workflowId}/notify`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ notify: next }),
    }).catch(() => undefined);
    if (response?.ok) return setState("saved");
    setValue(before);
    const body = await response?.json().catch(() => undefined);
    setState({ error: AppError.fromJSON(body)?.message ?? "Could not save. Try again." });
  }

  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs" data-testid="notify-setting">
      <label htmlFor={id} className="text-zinc-500 dark:text-zinc-400">
        Tell me in this chat about
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => void save(event.target.value as NotifyPolicy)}
        disabled={state === "saving"}
        className="max-w-full rounded-md border border-zinc-300 bg-white px-1.5 py-0.5 text-xs focus-visible:outline-2 focus-visible:outline-zinc-500 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <span role="status" className="text-zinc-500 dark:text-zinc-400">
        {state === "saved" ? "Saved" : typeof state === "object" ? state.error : ""}
      </span>
    </p>
  );
}
