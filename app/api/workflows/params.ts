// Shared by the workflow routes: the signed-in caller and the ids in the URL. A malformed id
// is answered like a missing workflow.
import { z } from "zod";
import { currentUserId } from "@/app/(auth)/auth";
import { AppError } from "@/lib/errors";

const idsSchema = z.object({ id: z.uuid(), versionId: z.uuid().optional() });

export type WorkflowRouteContext = { params: Promise<{ id: string; versionId?: string }> };

export async function workflowTarget(context: WorkflowRouteContext) {
  const userId = await currentUserId();
  if (!userId) throw new AppError("unauthorized:auth");
  const params = idsSchema.safeParse(await context.params);
  if (!params.success) {
    throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
  }
  return { userId, workflowId: params.data.id, versionId: params.data.versionId ?? "" };
}
