// The browser's side of re-runs: the preview (GET /api/runs/:id/rerun, or POST …/rerun/preview
// with edited inputs) and the start (POST /api/runs/:id/rerun), with the server's own words
// when it refuses.
import { AppError } from "@/lib/errors";
import type { RerunPreview, RerunVersion } from "@/lib/runs/rerun-plan";

export type RerunAsk = {
  from: string;
  version: RerunVersion;
  /** Edited inputs (a manual run's inputs, a webhook's body, an event's data). */
  inputs?: Record<string, unknown>;
};

/** A refusal as the person reads it, with the status for the cases the panel tells apart. */
export class RerunRefusal extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "RerunRefusal";
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message =
      AppError.fromJSON(body)?.message ??
      (response.status === 429
        ? "Too many re-runs just now: wait a minute and try again."
        : `That did not work (HTTP ${response.status}). Try again.`);
    throw new RerunRefusal(message, response.status);
  }
  return body as T;
}

export async function fetchRerunPreview(
  runId: string,
  ask: RerunAsk,
  signal?: AbortSignal,
): Promise<RerunPreview> {
  if (ask.inputs !== undefined) {
    return answer(
      await fetch(`/api/runs/${runId}/rerun/preview`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ask),
        signal,
      }),
    );
  }
  const query = new URLSearchParams({ from: ask.from, version: ask.version });
  return answer(await fetch(`/api/runs/${runId}/rerun?${query}`, { cache: "no-store", signal }));
}

export type StartedRerun = {
  run: { id: string; workflowId: string; status: string; createdAt: string };
  preview: RerunPreview;
};

export async function startRerun(runId: string, ask: RerunAsk): Promise<StartedRerun> {
  return answer(
    await fetch(`/api/runs/${runId}/rerun`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ask),
    }),
  );
}
