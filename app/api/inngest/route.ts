// The Inngest endpoint: whichever engine is configured (embedded, Dev Server, Cloud) syncs and
// calls the app's functions here. Only calls signed by that engine run anything (the guard
// refuses unsigned ones before reading them, the SDK verifies the signature), except with the
// local-only Dev Server (INNGEST_DEV=1).
import { serve } from "inngest/next";
import { engineMode, inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";
import { guardServeHandlers, type ServeHandlers } from "@/inngest/serve-guard";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";
// Steps of a run may take a while (AI calls, HTTP); keep the request open long enough.
export const maxDuration = 300;

let handlers: ServeHandlers | undefined;

/** Built on the first request, when env is known (never during `next build`). */
function served(): ServeHandlers {
  handlers ??= guardServeHandlers(
    serve({ client: inngest, functions }) as unknown as ServeHandlers,
    {
      requireSignature: engineMode() !== "dev",
      maxBodyBytes: env().INNGEST_MAX_REQUEST_BYTES,
    },
  );
  return handlers;
}

export const GET = (request: Request, context: unknown) => served().GET(request, context);
export const POST = (request: Request, context: unknown) => served().POST(request, context);
export const PUT = (request: Request, context: unknown) => served().PUT(request, context);
