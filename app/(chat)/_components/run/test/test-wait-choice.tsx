"use client";

// The test card's question at a wait the person chose "ask me when it gets there" for: the test
// waits there (nothing is sent to anyone) until they pick one of the wait's ways here, or its
// time runs out (then it times out). A wait.event offers a JSON box for what arrives.
import { useState } from "react";
import { formatWhen } from "@/lib/format/time";
import { type WaitBranch, waitBranchWords } from "@/lib/plan/effects";
import { exampleEventData } from "@/lib/plan/events";
import type { TestStepResult } from "@/lib/runs/test-report";
import { chooseTestWait } from "./test-api";

/** The ways as buttons: the answers first, giving up last. */
const ORDER: WaitBranch[] = ["approved", "rejected", "event", "timeout"];

const capitalised = (text: string) => (text ? text[0].toUpperCase() + text.slice(1) : text);

/** A way as a button says it: short ("Timed out", not "timed out (nobody answered)"). */
function wayLabel(action: string, way: WaitBranch): string {
  return capitalised(waitBranchWords(action, way).replace(/ \(nobody answered\)$/, ""));
}

export function TestWaitChoice({ runId, step }: { runId: string; step: TestStepResult }) {
  const asks = step.asks;
  const [eventText, setEventText] = useState(() => {
    const example = asks?.event ? exampleEventData(asks.event) : undefined;
    return example ? JSON.stringify(example, null, 2) : "";
  });
  const [sent, setSent] = useState<WaitBranch | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!asks) return null;
  const ways = ORDER.filter((way) => asks.ways.includes(way));
  const takesEvent = step.action === "wait.event" && ways.includes("event");

  async function choose(branch: WaitBranch) {
    setProblem(null);
    let eventData: unknown;
    if (branch === "event" && takesEvent && eventText.trim()) {
      try {
        eventData = JSON.parse(eventText);
      } catch {
        setProblem("What arrives: this is not valid JSON.");
        return;
      }
    }
    setBusy(true);
    try {
      await chooseTestWait(runId, step.stepId, {
        branch,
        ...(eventData !== undefined ? { eventData } : {}),
      });
      setSent(branch);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "The choice was not taken. Try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      className="flex flex-col gap-2 rounded-lg border border-amber-300 bg-amber-50/70 p-2.5 text-xs dark:border-amber-800 dark:bg-amber-950/30"
      data-testid="test-wait-choice"
    >
      <p className="text-amber-950 dark:text-amber-100">
        <span className="font-medium">The test waits for you here: which way does it go?</span>{" "}
        Nobody was asked or notified
        {asks.until ? `; at ${formatWhen(asks.until)} it times out` : ""}.
      </p>
      {asks.prompt ? (
        <p className="[overflow-wrap:anywhere] text-zinc-700 dark:text-zinc-300">
          <span className="text-zinc-500 dark:text-zinc-400">It would ask: </span>
          {asks.prompt}
        </p>
      ) : null}
      {takesEvent ? (
        <label className="flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">
            {asks.event
              ? `What arrives if the event does: the "${asks.event}" event's data (JSON)`
              : "What its resume link is called with if it is (JSON, optional)"}
          </span>
          <textarea
            value={eventText}
            onChange={(e) => setEventText(e.target.value)}
            rows={asks.event ? 5 : 2}
            spellCheck={false}
            disabled={busy || sent !== null}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono text-[11px] leading-4 dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="test-wait-event"
          />
        </label>
      ) : null}
      {sent ? (
        <p role="status" className="font-medium text-amber-950 dark:text-amber-100">
          {capitalised(waitBranchWords(step.action, sent))}: the test goes on…
        </p>
      ) : (
        <div className="flex flex-wrap gap-2">
          {ways.map((way, index) => (
            <button
              key={way}
              type="button"
              disabled={busy}
              onClick={() => void choose(way)}
              className={
                index === 0
                  ? "rounded-lg bg-zinc-900 px-3 py-1 font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300"
                  : "rounded-lg border border-zinc-300 bg-white px-3 py-1 font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
              }
              data-testid={`test-wait-${way}`}
            >
              {wayLabel(step.action, way)}
            </button>
          ))}
        </div>
      )}
      {problem ? (
        <p role="alert" className="text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
