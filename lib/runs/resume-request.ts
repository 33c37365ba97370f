// A wait step's resume link (`/api/resume/<token>`): the token (an HMAC of run and step) is
// the credential, so mail scanners and link previews, which fetch every URL they see, must
// never decide anything with it. GET only describes what is being decided (the page at
// /resume/<token> renders it); only a POST decides, once, and the decider recorded is the
// run's owner when they are signed in, else "link" — never a value from the body.
// Shared by the Next route and the plan CLI's own listener.
import "server-only";
import { getRunById, getWaitSignal } from "@/lib/db/run-queries";
import type { Run } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { parseIncomingBody, readBodyBytes, readJsonBody } from "@/lib/http/body";
import type { PlanStep } from "@/lib/plan/schema";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { signalWait } from "./control";
import { resumeSecret } from "./resume";
import { isTerminal } from "./status";
import { verifyResumeToken } from "./tokens";

const MAX_PAYLOAD_BYTES = 64 * 1024;

type Sender = Parameters<typeof signalWait>[0]["client"];
type Options = {
  client?: Sender;
  secret?: string;
  signedInUserId?: string;
  /** Counts a use of a genuine link (rate limit); throws when over. */
  limit?: (token: string) => Promise<void>;
};

/** What a resume link decides, for the page and for API clients (GET with JSON). */
export type ResumeView = {
  runId: string;
  stepId: string;
  workflow: string;
  step: { title: string; action: string; prompt?: string };
  kind: "approval" | "event" | "delay";
  /** open: waiting or not reached yet; decided: answered already; over: the run ended. */
  state: "open" | "decided" | "over";
  runStatus: Run["status"];
  decidedAt?: string;
  decision?: { approved?: boolean; via?: string };
};

const invalidLink = () => new AppError("not_found:run", "This link is not valid.");

function kindOf(action: string): ResumeView["kind"] {
  if (action === "wait.approval") return "approval";
  if (action === "wait.event") return "event";
  return "delay";
}

async function load(token: string, options: Options) {
  const target = verifyResumeToken(options.secret ?? resumeSecret(), token);
  if (!target) throw invalidLink();
  await options.limit?.(token);
  const run = await getRunById({ runId: target.runId });
  if (!run) throw invalidLink();
  const pinned = await loadPinnedPlan({ versionId: run.versionId, userId: run.userId });
  const step: PlanStep | undefined = pinned.ok
    ? [...pinned.plan.steps, ...(pinned.plan.onFailure ?? [])].find((s) => s.id === target.stepId)
    : undefined;
  if (!pinned.ok || !step?.action.startsWith("wait.")) throw invalidLink();
  return { run, step, workflowTitle: pinned.workflow.title, stepId: target.stepId };
}

export async function describeResumeLink(token: string, options: Options = {}) {
  const { run, step, workflowTitle, stepId } = await load(token, options);
  const signal = await getWaitSignal({ runId: run.id, stepId });
  const stored = (signal.payload ?? {}) as { via?: string; data?: { approved?: unknown } };
  const prompt = (step.input as { prompt?: unknown } | undefined)?.prompt;
  const view: ResumeView = {
    runId: run.id,
    stepId,
    workflow: workflowTitle,
    step: {
      title: step.title ?? stepId,
      action: step.action,
      ...(typeof prompt === "string" && !prompt.includes("{{") ? { prompt } : {}),
    },
    kind: kindOf(step.action),
    state: signal.signaled ? "decided" : isTerminal(run.status) ? "over" : "open",
    runStatus: run.status,
    ...(signal.signaledAt ? { decidedAt: signal.signaledAt.toISOString() } : {}),
    ...(signal.signaled
      ? {
          decision: {
            via: stored.via,
            ...(typeof stored.data?.approved === "boolean"
              ? { approved: stored.data.approved }
              : {}),
          },
        }
      : {}),
  };
  return view;
}

const approvalSchema = (body: unknown) => {
  const value = body as { approved?: unknown; comment?: unknown } | undefined;
  if (!value || typeof value !== "object" || typeof value.approved !== "boolean") return undefined;
  if (
    value.comment !== undefined &&
    (typeof value.comment !== "string" || value.comment.length > 2000)
  ) {
    return undefined;
  }
  return { approved: value.approved, ...(value.comment ? { comment: value.comment } : {}) };
};

/**
 * Decides a wait through its link (POST). An approval needs `{ approved: true | false,
 * comment? }`; a wait.event takes any JSON body (or none) as its payload; a delay or an
 * until ends early. A second decision is a 409 that says when the first one was made.
 */
export async function decideFromLink(
  request: Request,
  token: string,
  options: Options = {},
): Promise<Response> {
  const { run, step, stepId } = await load(token, options);
  const kind = kindOf(step.action);
  let payload: unknown = null;
  if (kind === "approval") {
    const answer = approvalSchema(
      await readJsonBody(request, { surface: "run", limit: MAX_PAYLOAD_BYTES, optional: true }),
    );
    if (!answer) {
      throw new AppError(
        "bad_request:run",
        "Send the decision as JSON: { approved: true | false, comment? }.",
      );
    }
    const by = options.signedInUserId === run.userId ? run.userId : "link";
    payload = { ...answer, by };
  } else if (kind === "event") {
    // Like a webhook: outside systems call this with whatever body they have.
    const bytes = await readBodyBytes(request, { limit: MAX_PAYLOAD_BYTES, surface: "run" });
    payload = parseIncomingBody(bytes, request.headers.get("content-type"), {
      surface: "run",
      sniffJson: true,
    });
  } else {
    await readBodyBytes(request, { limit: MAX_PAYLOAD_BYTES, surface: "run" });
  }
  if (isTerminal(run.status)) {
    throw new AppError(
      "conflict:run",
      `This run has already ${run.status === "cancelled" ? "been cancelled" : "finished"}; nothing is waiting.`,
    );
  }
  const result = await signalWait({
    runId: run.id,
    stepId,
    payload,
    via: "url",
    client: options.client,
  });
  if (result.duplicate) {
    const signal = await getWaitSignal({ runId: run.id, stepId });
    throw new AppError(
      "conflict:run",
      `This was already decided${signal.signaledAt ? ` at ${signal.signaledAt.toISOString()}` : ""}.`,
    );
  }
  if (!result.accepted) {
    throw new AppError("conflict:run", "This run has already finished; nothing is waiting.");
  }
  return Response.json(result, { status: 202 });
}

/**
 * The link's request handling: GET describes (a browser is sent to the page at `pagePath`),
 * POST decides, anything else is a 405.
 */
export async function handleResumeRequest(
  request: Request,
  token: string,
  options: Options & { pagePath?: string } = {},
): Promise<Response> {
  if (request.method === "POST") return decideFromLink(request, token, options);
  if (request.method === "GET" || request.method === "HEAD") {
    const accept = request.headers.get("accept") ?? "";
    if (options.pagePath && accept.includes("text/html")) {
      return new Response(null, {
        status: 303,
        headers: { location: `${options.pagePath}/${encodeURIComponent(token)}` },
      });
    }
    return Response.json(await describeResumeLink(token, options));
  }
  return Response.json(
    { error: { code: "bad_request:run", message: "Use GET to read this link, POST to decide." } },
    { status: 405, headers: { allow: "GET, POST" } },
  );
}
