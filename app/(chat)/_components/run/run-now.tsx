"use client";

import { useState } from "react";
import type { ChatMessage } from "@/lib/ai/types";
import { AppError } from "@/lib/errors";
import type { Plan } from "@/lib/plan/schema";

export type Field = {
  type: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: { type: string; enum?: unknown[] };
};

const TYPE_WORDS: Record<string, [string, string]> = {
  string: ["text", "texts"],
  number: ["number", "numbers"],
  integer: ["whole number", "whole numbers"],
  boolean: ["true or false", "true or false values"],
  object: ["object", "objects"],
  array: ["list", "lists"],
};

/** "list of whole numbers, separated by commas" for the label. */
export function typeWords(field: Field): string {
  if (field.type === "array" && field.items && field.items.type !== "object") {
    return `list of ${TYPE_WORDS[field.items.type]?.[1] ?? field.items.type}, separated by commas`;
  }
  if (field.type === "array" || field.type === "object") {
    return `${TYPE_WORDS[field.type][0]} as JSON`;
  }
  return TYPE_WORDS[field.type]?.[0] ?? field.type;
}

/** One typed value from text; JSON for objects. */
function coerceScalar(type: string, raw: string): unknown {
  switch (type) {
    case "number":
    case "integer":
      return Number(raw);
    case "boolean":
      return raw === "true";
    case "array":
    case "object":
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/**
 * Text typed in the form → the input's type. A list of scalar items may be typed as
 * "a, b, c" (or one per line); JSON (starting with "[") is taken as it is.
 */
export function coerce(field: Field, raw: string): unknown {
  if (raw === "") return undefined;
  const items = field.items;
  if (field.type === "array" && items && items.type !== "object" && !raw.trim().startsWith("[")) {
    return raw
      .split(/[,\n]/)
      .map((part) => part.trim())
      .filter((part) => part !== "")
      .map((part) => coerceScalar(items.type, part));
  }
  return coerceScalar(field.type, raw);
}

/** A default as the form shows it: lists of scalars comma-separated, other values as JSON. */
export function shown(field: Field): string {
  const value = field.default;
  if (value === undefined) return "";
  if (Array.isArray(value) && field.items && field.items.type !== "object") {
    return value.map(String).join(", ");
  }
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * "Run now" for the approved version: asks for the manual inputs, starts the run, and puts
 * its live card into the thread.
 */
export function RunNow({
  workflowId,
  threadId,
  plan,
  onStarted,
  buttonRef,
}: {
  workflowId: string;
  threadId?: string | null;
  plan: Plan;
  onStarted: (message: ChatMessage) => void;
  /** The Run now button, for the card to move focus to. */
  buttonRef?: React.RefObject<HTMLButtonElement | null>;
}) {
  const fields = (plan.trigger.type === "manual" ? (plan.trigger.inputs ?? {}) : {}) as Record<
    string,
    Field
  >;
  const names = Object.keys(fields);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((n) => [n, shown(fields[n])])),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setProblem(null);
    const inputs = Object.fromEntries(
      names
        .map((n) => [n, coerce(fields[n], values[n] ?? "")] as const)
        .filter(([, v]) => v !== undefined),
    );
    const response = await fetch(`/api/workflows/${workflowId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs, ...(threadId ? { threadId } : {}) }),
    });
    const body = await response.json().catch(() => undefined);
    setBusy(false);
    if (!response.ok) {
      setProblem(AppError.fromJSON(body)?.message ?? "The run could not start. Try again.");
      return;
    }
    setOpen(false);
    if (body?.message) onStarted(body.message as ChatMessage);
  }

  const button = (
    <button
      ref={buttonRef}
      type="button"
      // Not `disabled`: a disabled button drops the keyboard's focus while the run starts.
      aria-disabled={busy}
      onClick={() => {
        if (busy) return;
        if (names.length > 0 && !open) setOpen(true);
        else void start();
      }}
      className="rounded-lg bg-emerald-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-emerald-800 aria-disabled:opacity-60"
      data-testid="run-now"
    >
      {busy ? "Starting…" : "Run now"}
    </button>
  );

  return (
    <div className="flex flex-col gap-2">
      {open ? (
        <form
          className="grid gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
          data-testid="run-inputs"
        >
          {names.map((name) => (
            <label key={name} className="flex flex-col gap-1 text-xs">
              <span className="font-medium">
                {name}
                <span className="ml-1 font-normal text-zinc-500 dark:text-zinc-400">
                  {typeWords(fields[name])}
                  {fields[name].description ? ` — ${fields[name].description}` : ""}
                </span>
              </span>
              <input
                value={values[name] ?? ""}
                onChange={(event) => setValues((all) => ({ ...all, [name]: event.target.value }))}
                className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                data-testid={`run-input-${name}`}
              />
            </label>
          ))}
          <div className="flex gap-2">
            {button}
            <button
              type="button"
              className="text-xs text-zinc-500 dark:text-zinc-400"
              onClick={() => setOpen(false)}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        button
      )}
      {problem ? (
        <p role="alert" className="text-xs text-red-600" data-testid="run-now-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
