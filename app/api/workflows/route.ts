// The caller's workflows with their status, active version and trigger in words.
import { requireUserId } from "@/app/(auth)/require-user";
import { listWorkflows } from "@/lib/db/workflow-queries";
import { toErrorResponse } from "@/lib/errors";
import { triggerInWords } from "@/lib/workflows/trigger-words";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    const userId = await requireUserId();
    const items = await listWorkflows({ userId });
    return Response.json({
      workflows: items.map(({ workflow, active, latest }) => ({
        id: workflow.id,
        title: workflow.title,
        status: workflow.status,
        threadId: workflow.threadId,
        activeVersion: active?.number ?? null,
        latestVersion: latest?.number ?? null,
        latestState: latest?.state ?? null,
        trigger: latest ? triggerInWords((active ?? latest).plan) : null,
        updatedAt: workflow.updatedAt.toISOString(),
      })),
    });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
