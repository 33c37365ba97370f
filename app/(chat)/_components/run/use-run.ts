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
import { type RunFrame, useThreadLive } from "./live-provider";

async function fetchRun(runId: string): Promise<WireRunView> {
  const response = await fetch(`/api/runs/${runId}`, { cache: "no-store" });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw AppError.fromJSON(body) ?? new Error(`Could not load the run (HTTP ${response.status}).`);
  }
  return body as WireRunView;
}

/**
 * A run's view, kept live: read once, then every change applied as it comes, with what it
 * changed (the entry, the run, the step attempts), without reading the run again. On a thread
 * page the frames come from the thread's one stream (live-provider.tsx); elsewhere (the
 * workflow page) from the run's own stream, which starts after the newest entry the view holds
 * and resumes after the last event id it saw. A frame that would leave a gap (the card read
 * its run before entries the stream no longer holds) reads the run once more.
 */
export function useRun(runId: string) {
  const [view, setView] = useState<WireRunView | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The run does not exist (or is not the reader's): a pruned test run, a deleted one. */
  const [missing, setMissing] = useState(false);
  const live = useThreadLive();

  useEffect(() => {
    let stopped = false;
    let current: WireRunView | null = null;
    /** Frames that came before the view (or while it is read again). */
    let pending: RunFrame[] = [];
    let reading = false;
    let cleanup: (() => void) | undefined;

    const show = (next: WireRunView) => {
      current = next;
      if (!stopped) setView(next);
    };
    const step = (base: WireRunView, frame: RunFrame, gapsOk: boolean): WireRunView | "gap" => {
      if (frame.kind === "run") return withRun(base, frame.run);
      const seq = frame.event.seq;
      if (seq <= lastSeq(base)) return base;
      if (seq > lastSeq(base) + 1 && !gapsOk) return "gap";
      return applyLiveEvent(base, frame.event);
    };
    const load = async (afterGap: boolean) => {
      reading = true;
      try {
        const fresh = await fetchRun(runId);
        if (stopped) return;
        let next = fresh;
        let gap = false;
        // Frames that came meanwhile follow the view (a second read accepts what it finds).
        for (const frame of pending) {
          const applied = step(next, frame, afterGap);
          if (applied === "gap") gap = true;
          else next = applied;
        }
        pending = [];
        show(next);
        setError(null);
        if (gap) {
          reading = false;
          return load(true);
        }
      } catch (problem) {
        if (stopped) return;
        setError(problem instanceof Error ? problem.message : String(problem));
        setMissing(problem instanceof AppError && problem.status === 404);
      } finally {
        reading = false;
      }
    };
    const onFrame = (frame: RunFrame) => {
      if (!current || reading) {
        pending.push(frame);
        return;
      }
      const applied = step(current, frame, false);
      if (applied === "gap") {
        pending.push(frame);
        void load(true);
        return;
      }
      if (applied !== current) show(applied);
    };

    if (live) {
      cleanup = live.subscribeRun(runId, onFrame);
      void load(false);
    } else {
      let source: EventSource | undefined;
      cleanup = () => source?.close();
      (async () => {
        await load(false);
        if (stopped || !current) return;
        source = new EventSource(`/api/runs/${runId}/events?after=${lastSeq(current)}`);
        source.addEventListener("run-event", (message) =>
          onFrame({ kind: "event", event: JSON.parse(message.data) as LiveRunEvent }),
        );
        source.addEventListener("run", (message) =>
          onFrame({ kind: "run", run: JSON.parse(message.data) as WireRun }),
        );
        source.addEventListener("end", () => source?.close());
      })();
    }

    return () => {
      stopped = true;
      cleanup?.();
    };
  }, [runId, live]);

  return { view, error, missing };
}
