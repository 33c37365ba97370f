// Shared by the run routes: the signed-in caller and the run id in the URL. A malformed id is
// answered like a missing run.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { runNotFound } from "@/lib/runs/view";

const paramsSchema = z.object({ id: z.uuid(), stepId: z.string().max(64).optional() });

export type RunRouteContext = { params: Promise<{ id: string; stepId?: string }> };

export async function runTarget(context: RunRouteContext) {
  const userId = await requireUserId();
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) throw runNotFound();
  return { userId, runId: params.data.id, stepId: params.data.stepId ?? "" };
}
