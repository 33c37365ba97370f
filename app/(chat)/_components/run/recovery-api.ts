// Calls to the pause/resume and bulk routes from the browser; error bodies become AppError.

import type { BulkToolInput, PauseToolWorkflow } from "@/lib/ai/tools/run-tool-types";
import { AppError } from "@/lib/errors";

/** GET /api/runs/bulk/:id's `bulkAction`. */
export type BulkProgressView = {
  id: string;
  kind: "cancel" | "rerun";
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
};

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { cache: "no-store", ...init });
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    throw (
      AppError.fromJSON(body) ??
      new AppError("internal:api", `The server answered ${response.status}.`)
    );
  }
  return body as T;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export function pauseWorkflowRequest(workflowId: string) {
  return request<{ workflow: PauseToolWorkflow }>(`/api/workflows/${workflowId}/pause`, {
    method: "POST",
  });
}

export function resumeWorkflowRequest(workflowId: string, backfill: boolean) {
  return request<{ workflow: PauseToolWorkflow; backfilled?: number }>(
    `/api/workflows/${workflowId}/resume`,
    json({ backfill }),
  );
}

export async function countBulkRequest(body: Omit<BulkToolInput, "dryRun">) {
  return (await request<{ count: number }>("/api/runs/bulk", json({ ...body, dryRun: true })))
    .count;
}

export async function startBulkRequest(body: Omit<BulkToolInput, "dryRun">) {
  return (await request<{ bulkAction: BulkProgressView }>("/api/runs/bulk", json(body))).bulkAction;
}

export async function bulkProgressRequest(id: string) {
  return (await request<{ bulkAction: BulkProgressView }>(`/api/runs/bulk/${id}`)).bulkAction;
}
