// Shared by the run routes: the signed-in caller and the run id in the URL. A malformed id is
// answered like a missing run.
import { z } from "zod";
import { currentUserId } from "@/app/(auth)/auth";
import { AppError } from "@/lib/errors";
import { runNotFound } from "@/lib/runs/view";

const paramsSchema = z.object({ id: z.uuid(), stepId: z.string().max(64).optional() });

export type RunRouteContext = { params: Promise<{ id: string; stepId?: string }> };

export async function runTarget(context: RunRouteContext) {
  const userId = await currentUserId();
  if (!userId) throw new AppError("unauthorized:auth");
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) throw runNotFound();
  return { userId, runId: params.data.id, stepId: params.data.stepId ?? "" };
}
