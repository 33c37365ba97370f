"use client";

import { useEffect, useState } from "react";
import { AppError } from "@/lib/errors";
import {
  applyLiveEvent,
  type LiveRunEvent,
  lastSeq,
  type WireRun,
  type WireRunView,
  withRun,
} from "@/lib/runs/wire";

async function fetchRun(runId: string): Promise<WireRunView> {
  const response = await fetch(`/api/runs/${runId}`, { cache: "no-store" });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw AppError.fromJSON(body) ?? new Error(`Could not load the run (HTTP ${response.status}).`);
  }
  return body as WireRunView;
}

/**
 * A run's view, kept live: read once, then the server's SSE stream (LISTEN/NOTIFY underneath)
 * brings every change with what it changed (the entry, the run, the step attempts), applied
 * here without reading the run again. The stream starts after the newest entry the view holds;
 * EventSource reconnects on its own and resumes after the last event id it saw.
 */
export function useRun(runId: string) {
  const [view, setView] = useState<WireRunView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | undefined;
    const apply = (change: (current: WireRunView) => WireRunView) =>
      setView((current) => (current ? change(current) : current));

    (async () => {
      let initial: WireRunView;
      try {
        initial = await fetchRun(runId);
      } catch (problem) {
        if (!stopped) setError(problem instanceof Error ? problem.message : String(problem));
        return;
      }
      if (stopped) return;
      setView(initial);
      setError(null);
      source = new EventSource(`/api/runs/${runId}/events?after=${lastSeq(initial)}`);
      source.addEventListener("run-event", (message) => {
        const frame = JSON.parse(message.data) as LiveRunEvent;
        apply((current) => applyLiveEvent(current, frame));
      });
      source.addEventListener("run", (message) => {
        const run = JSON.parse(message.data) as WireRun;
        apply((current) => withRun(current, run));
      });
      source.addEventListener("end", () => source?.close());
    })();

    return () => {
      stopped = true;
      source?.close();
    };
  }, [runId]);

  return { view, error };
}
