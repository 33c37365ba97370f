// POST /api/runs/:id/test-waits/:stepId { branch, eventData? } → { accepted: true, branch,
// chosenAt }: the person picks, on a test's card, the way of a wait the test asks about (chosen
// "ask" before it started) while the test waits there (lib/runs/test-waits.ts). `branch` is one
// of the wait's ways ("approved" | "rejected" | "timeout" for wait.approval, "timeout" | "event"
// for the others); `eventData` is what arrives at a wait.event that goes "event". 404 not the
// caller's run, 409 not a test run or not waiting there (`error.details.state`), 400 a step it
// does not ask about or a way it cannot go, 413 too large.
import { z } from "zod";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { MAX_RUN_INPUT_BYTES } from "@/lib/limits";
import { WAIT_BRANCHES } from "@/lib/plan/effects";
import { enforceLimit } from "@/lib/rate-limit";
import { chooseTestWait } from "@/lib/runs/test-waits";
import { type RunRouteContext, runTarget } from "../../../params";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({
  branch: z.enum(WAIT_BRANCHES),
  eventData: z.unknown().optional(),
});

/** The event data's cap plus room for the rest of the body. */
const BODY_LIMIT = MAX_RUN_INPUT_BYTES + 1024;

const usage = `Send { branch: ${WAIT_BRANCHES.map((b) => `"${b}"`).join(" | ")}, eventData?: <what arrives at a wait.event> }.`;

export async function POST(request: Request, context: RunRouteContext) {
  try {
    const { userId, runId, stepId } = await runTarget(context);
    await enforceLimit("test-wait", userId);
    const parsed = bodySchema.safeParse(
      await readJsonBody(request, { surface: "run", limit: BODY_LIMIT }),
    );
    if (!parsed.success) throw new AppError("bad_request:run", usage);
    return Response.json(await chooseTestWait({ userId, runId, stepId, ...parsed.data }));
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}
