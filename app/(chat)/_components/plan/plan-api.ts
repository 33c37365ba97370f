// Calls to the workflow routes from the browser; error bodies become the app's AppError.

import type { ChatMessage } from "@/lib/ai/types";
import { AppError } from "@/lib/errors";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { cache: "no-store", ...init });
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    throw (
      AppError.fromJSON(body) ??
      new AppError("internal:workflow", `The server answered ${response.status}.`)
    );
  }
  return body as T;
}

const versionUrl = (workflowId: string, versionId: string) =>
  `/api/workflows/${workflowId}/versions/${versionId}`;

export async function fetchPlanCard(workflowId: string, versionId: string) {
  return (await request<{ card: PlanCardData }>(versionUrl(workflowId, versionId))).card;
}

export async function decideVersion(
  workflowId: string,
  versionId: string,
  decision: "approve" | "reject",
) {
  const url = `${versionUrl(workflowId, versionId)}/${decision}`;
  return (await request<{ card: PlanCardData }>(url, { method: "POST" })).card;
}

export async function saveEditedPlan(
  workflowId: string,
  body: { baseVersionId: string; plan: unknown; note?: string },
) {
  return request<{ card: PlanCardData; message: ChatMessage | null }>(
    `/api/workflows/${workflowId}/versions`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
}

export interface PlanCheck {
  ok: boolean;
  errors: { path: string; message: string }[];
  warnings: { path: string; message: string }[];
}

/** Validates a plan on the server with the real catalog (the editor's live check). */
export async function validatePlanRemote(plan: unknown, signal?: AbortSignal) {
  return request<PlanCheck>("/api/workflows/validate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ plan }),
    signal,
  });
}

/** The validation errors a 400 from the save route carries, if any. */
export function planErrorsOf(error: unknown): { path: string; message: string }[] {
  const details = error instanceof AppError ? (error.details as { errors?: unknown }) : undefined;
  return Array.isArray(details?.errors)
    ? (details.errors as { path: string; message: string }[])
    : [];
}
