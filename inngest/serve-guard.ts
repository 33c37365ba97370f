// The edge of /api/inngest. The SDK itself verifies signatures (cloud mode) but reads any body
// whole and answers unsigned GETs and PUTs with what it is; this guard refuses unsigned calls
// before reading anything and caps the body while it streams. Only the Dev Server mode
// (INNGEST_DEV=1, documented as local-only) lets unsigned calls through.
import { AppError } from "@/lib/errors";
import { readBodyBytes } from "@/lib/http/body";

type Handler = (request: Request, context: unknown) => Promise<Response>;
export type ServeHandlers = { GET: Handler; POST: Handler; PUT: Handler };

const SIGNATURE = "x-inngest-signature";

export function guardServeHandlers(
  handlers: ServeHandlers,
  options: { requireSignature: boolean; maxBodyBytes: number },
): ServeHandlers {
  const guard =
    (handler: Handler): Handler =>
    async (request, context) => {
      try {
        if (options.requireSignature && !request.headers.get(SIGNATURE)) {
          throw new AppError(
            "unauthorized:api",
            "This endpoint only answers calls signed by the workflow engine.",
          );
        }
        if (request.method === "GET" || request.method === "HEAD") {
          return await handler(request, context);
        }
        const body = await readBodyBytes(request, { limit: options.maxBodyBytes });
        return await handler(
          new Request(request.url, {
            method: request.method,
            headers: request.headers,
            body: new Uint8Array(body),
          }),
          context,
        );
      } catch (error) {
        if (error instanceof AppError) return error.toResponse();
        throw error;
      }
    };
  return { GET: guard(handlers.GET), POST: guard(handlers.POST), PUT: guard(handlers.PUT) };
}
