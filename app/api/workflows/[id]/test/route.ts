// POST /api/workflows/:id/test { versionId?, inputs?, trigger?, waits?, eventData? } → 201
// { run, message? }:
// runs the plan once now as a test (lib/runs/test-run.ts): the person's real inputs and
// secrets, every side effect simulated, each wait taken the way `waits` says ("approved" |
// "rejected" | "timeout" | "event", default "timeout"; "ask": the test pauses at the wait and the
// person picks its way on the test's card, POST /api/runs/:id/test-waits/:stepId); `eventData` is what arrives at a wait.event
// step that goes "event" (its event's data, or its resume link's body; default an example of the
// named event from the catalog; giving it makes the wait go "event"). `versionId` is a draft or the approved
// version (default: the newest of those); `inputs` are a manual plan's, `trigger` a webhook
// plan's request body or an event plan's data. `message` is the test's card, posted into the
// workflow's thread (the only thing a test puts there).
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { WAIT_CHOICES } from "@/lib/plan/effects";
import { StepIdSchema } from "@/lib/plan/schema";
import { enforceLimit } from "@/lib/rate-limit";
import { startTestRun } from "@/lib/runs/test-run";
import { type WorkflowRouteContext, workflowTarget } from "../../params";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({
  versionId: z.uuid().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  trigger: z.unknown().optional(),
  waits: z.record(StepIdSchema, z.enum(WAIT_CHOICES)).optional(),
  eventData: z.record(StepIdSchema, z.unknown()).optional(),
});

/** The inputs' cap plus room for the rest of the body. */
const BODY_LIMIT = MAX_RUN_INPUT_BYTES + 4096;

const usage =
  'Send { versionId?: "<version id>", inputs?: { … }, trigger?: <request body or event data>, waits?: { "<wait step>": "approved" | "rejected" | "timeout" | "event" | "ask" }, eventData?: { "<wait.event step>": <its event\'s data> } }.';

export async function POST(request: Request, context: WorkflowRouteContext) {
  try {
    const { userId, workflowId } = await workflowTarget(context);
    await enforceLimit("test", userId);
    const body = await readJsonBody(request, {
      surface: "workflow",
      optional: true,
      limit: BODY_LIMIT,
    });
    const parsed = bodySchema.safeParse(body ?? {});
    if (!parsed.success) throw new AppError("bad_request:workflow", usage);
    const { run, message } = await startTestRun({ userId, workflowId, ...parsed.data });
    return Response.json({ run, ...(message ? { message } : {}) }, { status: 201 });
  } catch (error) {
    return toErrorResponse(error, "workflow");
  }
}
