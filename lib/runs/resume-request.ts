// A wait step's resume link (`/api/resume/<token>`): the token (an HMAC of run and step) is
// the credential, so mail scanners and link previews, which fetch every URL they see, must
// never decide anything with it. GET and HEAD only describe what is being decided (a browser
// is sent to the page at /resume/<token>); only a POST decides, once, and the decider recorded
// is the run's owner when they are signed in, else "link" — never a value from the body.
// A POST is refused with a 409 naming why (`details.state`: decided, expired, cancelled,
// finished, skipped) when the wait no longer takes a decision — the same rule as the run
// card's buttons and the chat (lib/runs/control.ts `decideWait`).
//
// An approval must come from the link's own page or from an API client: its body is JSON (no
// HTML form can send that, so a scanner "submitting" a page decides nothing), and a browser
// request from another site (its Origin / Sec-Fetch-Site) is refused. API clients, which send
// neither header, POST JSON with the token as before.
// Shared by the Next route and the plan CLI's own listener.
import "server-only";
import { getRunById } from "@/lib/db/run-queries";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseIncomingBody, readBodyBytes, readJsonBody } from "@/lib/http/body";
import { crossSiteReason } from "@/lib/http/security";
import { decideWait } from "./control";
import { resumeSecret } from "./resume";
import type { RunStatus } from "./status";
import { verifyResumeToken } from "./tokens";
import type { WaitDecision, WaitState } from "./wait-decision";
import { readWait, type WaitKind, type WaitSnapshot } from "./wait-state";

const MAX_PAYLOAD_BYTES = 64 * 1024;

type Sender = Parameters<typeof decideWait>[0]["client"];
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
  kind: WaitKind;
  /**
   * open: a decision is taken (the buttons); decided: answered already; expired: the deadline
   * passed with no decision (an approval then counts as not approved, `timedOut`); cancelled,
   * finished: the run ended first; skipped: the run went past the step without it.
   */
  state: WaitState;
  runStatus: RunStatus;
  /** When the run was created and started (ISO). */
  run: { createdAt: string; startedAt: string | null };
  /** When the wait gives up (ISO); null until the run reaches the wait. */
  deadline: string | null;
  decidedAt?: string;
  decision?: WaitDecision;
  expiredAt?: string;
};

const invalidLink = () => new AppError("not_found:run", "This link is not valid.");

async function load(token: string, options: Options): Promise<WaitSnapshot> {
  const target = verifyResumeToken(options.secret ?? resumeSecret(), token);
  if (!target) throw invalidLink();
  await options.limit?.(token);
  const run = await getRunById({ runId: target.runId });
  if (!run) throw invalidLink();
  const wait = await readWait(run, target.stepId);
  if (!wait) throw invalidLink();
  return wait;
}

function toView(wait: WaitSnapshot): ResumeView {
  const { run, step, stepId } = wait;
  const prompt = (step.input as { prompt?: unknown } | undefined)?.prompt;
  return {
    runId: run.id,
    stepId,
    workflow: wait.workflowTitle,
    step: {
      title: step.title ?? stepId,
      action: step.action,
      // A prompt with bindings is shown as the run resolved it on the run card, not here.
      ...(typeof prompt === "string" && !prompt.includes("{{") ? { prompt } : {}),
    },
    kind: wait.kind,
    state: wait.state,
    runStatus: run.status,
    run: {
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
    },
    deadline: wait.deadline,
    ...(wait.decidedAt ? { decidedAt: wait.decidedAt } : {}),
    ...(wait.decision ? { decision: wait.decision } : {}),
    ...(wait.expiredAt ? { expiredAt: wait.expiredAt } : {}),
  };
}

/** What the link asks, and where it stands; the owner of the run is told who they are. */
export async function describeResumeLink(
  token: string,
  options: Options = {},
): Promise<ResumeView & { ownerId: string; workflowId: string; threadId: string | null }> {
  const wait = await load(token, options);
  return {
    ...toView(wait),
    ownerId: wait.run.userId,
    workflowId: wait.run.workflowId,
    threadId: wait.run.threadId,
  };
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
 * comment? }` as JSON; a wait.event takes any body (or none) as its payload; a delay or an
 * until ends early. 202 `{ accepted: true, duplicate: false, decidedAt }`; a wait that no longer
 * takes a decision is a 409 whose `details.state` says why.
 */
export async function decideFromLink(
  request: Request,
  token: string,
  options: Options = {},
): Promise<Response> {
  const wait = await load(token, options);
  const { run, stepId, kind } = wait;
  let payload: unknown = null;
  if (kind === "approval") {
    const foreign = crossSiteReason({ headers: request.headers, appUrl: env().APP_URL });
    if (foreign) {
      throw new AppError(
        "forbidden:run",
        `${foreign} Decide on the link's own page, or call it without a browser.`,
      );
    }
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
  const result = await decideWait({
    run,
    stepId,
    payload,
    via: "url",
    viewerIsOwner: options.signedInUserId === run.userId,
    client: options.client,
  });
  return Response.json(result, { status: 202 });
}

/**
 * The link's request handling: GET and HEAD describe (a browser is sent to the page at
 * `pagePath`), POST decides, anything else is a 405 — none of them but POST stores anything.
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
    const view = toView(await load(token, options));
    return request.method === "HEAD"
      ? new Response(null, { status: 200, headers: { "content-type": "application/json" } })
      : Response.json(view);
  }
  return Response.json(
    { error: { code: "bad_request:run", message: "Use GET to read this link, POST to decide." } },
    { status: 405, headers: { allow: "GET, HEAD, POST" } },
  );
}
