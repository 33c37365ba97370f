// GET|HEAD|POST /api/resume/:token: a wait step's resume link. No session needed: the token
// (HMAC of run and step) is the credential. GET and HEAD decide nothing (mail scanners fetch
// every link): a browser is sent to the page at /resume/:token, an API client gets the JSON
// description (`ResumeView`). POST decides once: `{ approved: true | false, comment? }` (JSON)
// for an approval, any payload for a wait.event, nothing for a delay → 202 { accepted,
// duplicate: false, decidedAt }; once decided, expired, cancelled or finished → 409 with
// `error.details.state` naming which. OPTIONS and the rest: 405.
import { currentUserId } from "@/app/(auth)/auth";
import { toErrorResponse } from "@/lib/errors";
import { enforceResumeLimit } from "@/lib/rate-limit";
import { handleResumeRequest } from "@/lib/runs/resume-request";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

async function handle(request: Request, context: Context) {
  try {
    const { token } = await context.params;
    return await handleResumeRequest(request, token, {
      pagePath: "/resume",
      // Reading or deciding through a genuine link counts against it (a forged one costs a
      // HMAC and stores nothing); a browser sent on to the page costs nothing.
      limit: enforceResumeLimit,
      // The owner deciding from their own browser is recorded as themselves.
      signedInUserId: request.method === "POST" ? await currentUserId() : undefined,
    });
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const OPTIONS = handle;
