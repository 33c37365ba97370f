// The resume URL's request handling, shared by the Next route and the CLI's own listener.
import "server-only";
import { AppError } from "@/lib/errors";
import { signalWait } from "./control";
import { resumeSecret } from "./resume";
import { verifyResumeToken } from "./tokens";

const MAX_PAYLOAD_BYTES = 64 * 1024;

type Sender = Parameters<typeof signalWait>[0]["client"];

export async function resumeFromToken(
  request: Request,
  token: string,
  options: { client?: Sender; secret?: string } = {},
): Promise<Response> {
  const target = verifyResumeToken(options.secret ?? resumeSecret(), token);
  if (!target) throw new AppError("not_found:run", "This link is not valid.");
  let payload: unknown = null;
  if (request.method === "POST") {
    const text = await request.text();
    if (text.length > MAX_PAYLOAD_BYTES) {
      throw new AppError("bad_request:run", "The payload is too large (64 KB at most).");
    }
    if (text.trim()) {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new AppError("bad_request:run", "The payload must be JSON.");
      }
    }
  }
  const result = await signalWait({ ...target, payload, via: "url", client: options.client });
  if (!result.accepted) {
    throw new AppError("conflict:run", "This run has already finished; nothing is waiting.");
  }
  return Response.json(result, { status: 202 });
}
