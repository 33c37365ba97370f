"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { AppError } from "@/lib/errors";
import type { WireRunView } from "@/lib/runs/wire";

async function fetchRun(runId: string): Promise<WireRunView> {
  const response = await fetch(`/api/runs/${runId}`, { cache: "no-store" });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw AppError.fromJSON(body) ?? new Error(`Could not load the run (HTTP ${response.status}).`);
  }
  return body as WireRunView;
}

/**
 * A run's current view, kept live: the server's SSE stream (LISTEN/NOTIFY underneath) says
 * when something changed, and the view is read again. EventSource reconnects on its own and
 * resumes after the last event id it saw.
 */
export function useRun(runId: string) {
  const [view, setView] = useState<WireRunView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef<Promise<void> | null>(null);
  const again = useRef(false);

  const refresh = useCallback(async () => {
    if (loading.current) {
      again.current = true;
      return loading.current;
    }
    loading.current = (async () => {
      do {
        again.current = false;
        try {
          setView(await fetchRun(runId));
          setError(null);
        } catch (problem) {
          setError(problem instanceof Error ? problem.message : String(problem));
        }
      } while (again.current);
      loading.current = null;
    })();
    return loading.current;
  }, [runId]);

  useEffect(() => {
    void refresh();
    const source = new EventSource(`/api/runs/${runId}/events`);
    source.addEventListener("run-event", () => void refresh());
    source.addEventListener("end", () => {
      source.close();
      void refresh();
    });
    return () => source.close();
  }, [runId, refresh]);

  return { view, error, refresh };
}
