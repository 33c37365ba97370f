// Starting a test run from the browser (POST /api/workflows/:id/test); errors come back as the
// app's AppError.
import type { ChatMessage } from "@/lib/ai/types";
import { AppError } from "@/lib/errors";
import type { WaitBranch, WaitChoice } from "@/lib/plan/effects";

export type TestRequest = {
  versionId: string;
  inputs?: Record<string, unknown>;
  trigger?: unknown;
  waits?: Record<string, WaitChoice>;
  /** What arrives at each wait.event step that goes "event" (its event's data). */
  eventData?: Record<string, unknown>;
};

export async function startTest(
  workflowId: string,
  body: TestRequest,
): Promise<{ run: { id: string }; message?: ChatMessage }> {
  const response = await fetch(`/api/workflows/${workflowId}/test`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const parsed = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw (
      AppError.fromJSON(parsed) ??
      new AppError("internal:workflow", `The server answered ${response.status}.`)
    );
  }
  return parsed;
}

/** Picks the way of a wait the test asks about (POST /api/runs/:id/test-waits/:stepId). */
export async function chooseTestWait(
  runId: string,
  stepId: string,
  body: { branch: WaitBranch; eventData?: unknown },
): Promise<void> {
  const response = await fetch(`/api/runs/${runId}/test-waits/${encodeURIComponent(stepId)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const parsed = await response.json().catch(() => undefined);
    throw (
      AppError.fromJSON(parsed) ??
      new AppError("internal:run", `The server answered ${response.status}.`)
    );
  }
}
