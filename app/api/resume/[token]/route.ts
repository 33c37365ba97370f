// GET|POST /api/resume/:token [JSON body] → 202 { accepted, duplicate }: a wait step's resume
// URL. No session: the token (HMAC of run and step) is the credential. The JSON body, if any,
// becomes the wait's payload; a GET resumes without one (an email link, a tracking pixel).
import { toErrorResponse } from "@/lib/errors";
import { resumeFromToken } from "@/lib/runs/resume-request";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ token: string }> };

async function handle(request: Request, context: Context) {
  try {
    const { token } = await context.params;
    return await resumeFromToken(request, token);
  } catch (error) {
    return toErrorResponse(error, "run");
  }
}

export const GET = handle;
export const POST = handle;
