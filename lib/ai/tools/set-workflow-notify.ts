// setWorkflowNotify: "only tell me when it fails" / "show me every run". Changes what a
// workflow's scheduled and event-triggered runs add to the thread (lib/runs/notify.ts).
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import { setWorkflowNotify } from "@/lib/db/workflow-queries";
import { NOTIFY_LABELS, NOTIFY_POLICIES } from "@/lib/runs/notify";
import type { NotifyToolOutput } from "./notify-tool-types";
import { toolInput } from "./tool-schema";

export function setWorkflowNotifyTool({ userId }: { userId: string }) {
  return tool({
    description:
      "Change what a workflow's scheduled and event-triggered runs add to the chat. " +
      '"failures" (the default): a successful run adds only what it posts, a failed run adds its run card and a summary. ' +
      '"always": every run adds its run card and a summary too. Use it when the person asks ("only tell me when it fails", "show me every run"). ' +
      "Runs the person starts always show their card.",
    ...toolInput(
      z.object({
        workflowId: z.string().describe("The workflow's id (from listWorkflows or a plan card)."),
        notify: z.enum(NOTIFY_POLICIES),
      }),
      { strict: true },
    ),
    execute: async ({ workflowId, notify }): Promise<NotifyToolOutput> => {
      const workflow = z.uuid().safeParse(workflowId).success
        ? await setWorkflowNotify({ id: workflowId, userId, notify })
        : undefined;
      if (!workflow) return { ok: false, error: "This workflow does not exist or is not yours." };
      return {
        ok: true,
        workflowId: workflow.id,
        title: workflow.title,
        notify,
        meaning: NOTIFY_LABELS[notify],
      };
    },
  });
}
