"use client";

// "Test" on a draft or approved plan card: runs the plan once now as a test (nothing is sent,
// reads run for real) and puts its card into the thread. A small form asks first when the test
// needs something: the manual inputs, a webhook's body or an event's data, and which way each
// wait goes (its timeout unless the person picks another, or "ask me when it gets there": the
// test pauses there and its card asks); a wait.event told its event arrived gets a JSON box with
// that event's data (an example of the named event to start from).
import { useEffect, useId, useState } from "react";
import type { ChatMessage } from "@/lib/ai/types";
import {
  ASK_WAIT,
  ASK_WAIT_WORDS,
  type WaitChoice,
  waitBranchesOf,
  waitBranchWords,
} from "@/lib/plan/effects";
import { exampleEventData } from "@/lib/plan/events";
import { allSteps, type Plan, type PlanStep } from "@/lib/plan/schema";
import { coerce, type Field, shown, typeWords } from "../run/run-now";
import { startTest } from "../run/test/test-api";

const PAYLOAD_LABEL: Record<string, string> = {
  webhook: "Request body to test with (JSON)",
  event: "Event data to test with (JSON)",
};

/** The app event a wait.event step names, if any. */
const eventOf = (step: PlanStep) =>
  step.action === "wait.event" && typeof step.input?.event === "string"
    ? step.input.event
    : undefined;

/** What the JSON box of an event starts with: an example of its data, else nothing. */
function exampleText(name: string | undefined): string {
  const example = name ? exampleEventData(name) : undefined;
  return example ? JSON.stringify(example, null, 2) : "";
}

/**
 * What the person has put into a version's test form so far: the card can be rendered anew
 * (the thread re-reads its messages when a reply ends) and must not drop a half-filled form.
 */
type Draft = {
  open: boolean;
  values: Record<string, string>;
  branches: Record<string, WaitChoice>;
  payload: string;
  eventTexts: Record<string, string>;
};
const drafts = new Map<string, Draft>();

const input =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function TestPlan({
  workflowId,
  versionId,
  plan,
  onStarted,
}: {
  workflowId: string;
  versionId: string;
  plan: Plan;
  onStarted: (message: ChatMessage) => void;
}) {
  const formId = useId();
  const fields = (plan.trigger.type === "manual" ? (plan.trigger.inputs ?? {}) : {}) as Record<
    string,
    Field
  >;
  const names = Object.keys(fields);
  const waits = allSteps(plan).filter((step) => waitBranchesOf(step.action).length > 0);
  const needsPayload = plan.trigger.type === "webhook" || plan.trigger.type === "event";
  const asks = names.length > 0 || waits.length > 0 || needsPayload;

  const draft = drafts.get(versionId);
  const [open, setOpen] = useState(draft?.open ?? false);
  const [values, setValues] = useState<Record<string, string>>(
    () => draft?.values ?? Object.fromEntries(names.map((n) => [n, shown(fields[n])])),
  );
  const [branches, setBranches] = useState<Record<string, WaitChoice>>(() => draft?.branches ?? {});
  const [payload, setPayload] = useState(
    () => draft?.payload ?? (plan.trigger.type === "event" ? exampleText(plan.trigger.event) : ""),
  );
  const [eventTexts, setEventTexts] = useState<Record<string, string>>(
    () =>
      draft?.eventTexts ??
      Object.fromEntries(
        waits
          .filter((step) => step.action === "wait.event")
          .map((s) => [s.id, exampleText(eventOf(s))]),
      ),
  );
  useEffect(() => {
    drafts.set(versionId, { open, values, branches, payload, eventTexts });
  }, [versionId, open, values, branches, payload, eventTexts]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function start() {
    setProblem(null);
    let trigger: unknown;
    if (needsPayload) {
      try {
        trigger = JSON.parse(payload);
      } catch {
        setProblem(`${PAYLOAD_LABEL[plan.trigger.type]}: this is not valid JSON.`);
        return;
      }
    }
    const eventData: Record<string, unknown> = {};
    for (const step of waits) {
      const text = eventTexts[step.id]?.trim();
      if (step.action !== "wait.event" || branches[step.id] !== "event" || !text) continue;
      try {
        eventData[step.id] = JSON.parse(text);
      } catch {
        setProblem(`What arrives at "${step.title ?? step.id}": this is not valid JSON.`);
        return;
      }
    }
    const inputs = Object.fromEntries(
      names
        .map((n) => [n, coerce(fields[n], values[n] ?? "")] as const)
        .filter(([, v]) => v !== undefined),
    );
    setBusy(true);
    try {
      const { message } = await startTest(workflowId, {
        versionId,
        ...(names.length > 0 ? { inputs } : {}),
        ...(needsPayload ? { trigger } : {}),
        ...(Object.keys(branches).length > 0 ? { waits: branches } : {}),
        ...(Object.keys(eventData).length > 0 ? { eventData } : {}),
      });
      setOpen(false);
      if (message) onStarted(message);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "The test could not start. Try again.");
    } finally {
      setBusy(false);
    }
  }

  const button = (
    <button
      type={open ? "submit" : "button"}
      form={open ? formId : undefined}
      disabled={busy}
      onClick={open ? undefined : () => (asks ? setOpen(true) : void start())}
      className={`rounded-lg px-3 py-1.5 text-xs font-medium disabled:opacity-60 ${
        open
          ? "bg-violet-700 text-white hover:bg-violet-600"
          : "border border-violet-300 bg-violet-50 text-violet-900 hover:bg-violet-100 dark:border-violet-800 dark:bg-violet-950 dark:text-violet-100 dark:hover:bg-violet-900"
      }`}
      data-testid={open ? "plan-test-start" : "plan-test"}
      title="Run it once now on your data: reads run for real, nothing is sent"
    >
      {busy ? "Starting the test…" : open ? "Run the test" : "Test"}
    </button>
  );

  if (!open) {
    return (
      <>
        {button}
        {problem ? (
          <p role="alert" className="basis-full text-xs text-red-700 dark:text-red-300">
            {problem}
          </p>
        ) : null}
      </>
    );
  }

  return (
    <form
      id={formId}
      className="flex basis-full flex-col gap-3 rounded-lg border border-violet-200 bg-violet-50/50 p-3 dark:border-violet-900 dark:bg-violet-950/30"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
      aria-label="Test the plan"
      data-testid="plan-test-form"
    >
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        The test runs once now, with your secrets. Reads run for real (web pages and APIs it
        fetches, the store, AI); emails, posts and other changes are only shown, not sent.
      </p>
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
            className={input}
            data-testid={`plan-test-input-${name}`}
          />
        </label>
      ))}
      {needsPayload ? (
        <label className="flex flex-col gap-1 text-xs">
          <span className="font-medium">{PAYLOAD_LABEL[plan.trigger.type]}</span>
          <textarea
            value={payload}
            onChange={(event) => setPayload(event.target.value)}
            rows={4}
            spellCheck={false}
            placeholder='{ "email": "ana@example.com" }'
            className={`${input} font-mono text-xs`}
            data-testid="plan-test-payload"
          />
        </label>
      ) : null}
      {waits.length > 0 ? (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-xs font-medium">
            Waits do not wait in a test. Let each one end, or choose when the test gets there:
          </legend>
          {waits.map((step) => {
            const event = eventOf(step);
            const arrives = step.action === "wait.event" && branches[step.id] === "event";
            return (
              <div
                key={step.id}
                className="grid items-center gap-1 text-xs sm:grid-cols-[minmax(8rem,14rem)_1fr]"
              >
                <label className="contents">
                  <span className="[overflow-wrap:anywhere]">{step.title ?? step.id}</span>
                  <select
                    value={branches[step.id] ?? "timeout"}
                    onChange={(e) =>
                      setBranches((all) => ({ ...all, [step.id]: e.target.value as WaitChoice }))
                    }
                    className={input}
                    data-testid={`plan-test-wait-${step.id}`}
                  >
                    {waitBranchesOf(step.action).map((branch) => (
                      <option key={branch} value={branch}>
                        {waitBranchWords(step.action, branch)}
                      </option>
                    ))}
                    <option value={ASK_WAIT}>{ASK_WAIT_WORDS}</option>
                  </select>
                </label>
                {arrives ? (
                  <label className="flex flex-col gap-1 sm:col-start-2">
                    <span className="text-zinc-600 dark:text-zinc-400">
                      {event
                        ? `The "${event}" event's data (JSON; an example to edit)`
                        : "What its resume link is called with (JSON, optional)"}
                    </span>
                    <textarea
                      value={eventTexts[step.id] ?? ""}
                      onChange={(e) =>
                        setEventTexts((all) => ({ ...all, [step.id]: e.target.value }))
                      }
                      rows={event ? 6 : 3}
                      spellCheck={false}
                      className={`${input} font-mono text-xs`}
                      data-testid={`plan-test-event-${step.id}`}
                    />
                  </label>
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        {button}
        <button
          type="button"
          className="rounded-lg px-2 py-1.5 text-xs text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
          onClick={() => setOpen(false)}
        >
          Cancel
        </button>
      </div>
      {problem ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
