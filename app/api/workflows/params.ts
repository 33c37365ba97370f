// Shared by the workflow routes: the signed-in caller and the ids in the URL. A malformed id
// is answered like a missing workflow.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { AppError } from "@/lib/errors";

const idsSchema = z.object({ id: z.uuid(), versionId: z.uuid().optional() });

export type WorkflowRouteContext = { params: Promise<{ id: string; versionId?: string }> };

export async function workflowTarget(context: WorkflowRouteContext) {
  const userId = await requireUserId();
  const params = idsSchema.safeParse(await context.params);
  if (!params.success) {
    throw new AppError("not_found:workflow", "This workflow does not exist or is not yours.");
  }
  return { userId, workflowId: params.data.id, versionId: params.data.versionId ?? "" };
}
