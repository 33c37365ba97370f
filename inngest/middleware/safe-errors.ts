// Step and function errors are serialized by the SDK (message and stack) and stored by the
// engine, shown on run cards and read by the model. A database error must reach none of them
// with its SQL and bound values: it is replaced by its SQLSTATE-only stand-in here, once, for
// every function of the client. Errors that did not come from the database pass unchanged.
import { Middleware, NonRetriableError } from "inngest";
import { asDatabaseError } from "@/lib/db/errors";

function safe(error: unknown): unknown {
  const database = asDatabaseError(error);
  if (!database) return error;
  // A constraint or data error will fail the same way again: do not retry it.
  return database.retriable ? database : new NonRetriableError(database.message);
}

export class SafeErrorsMiddleware extends Middleware.BaseMiddleware {
  readonly id = "flowchat-safe-errors";

  async wrapStepHandler({ next }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
    try {
      return await next();
    } catch (error) {
      throw safe(error);
    }
  }

  async wrapFunctionHandler({ next }: Middleware.WrapFunctionHandlerArgs): Promise<unknown> {
    try {
      return await next();
    } catch (error) {
      throw safe(error);
    }
  }
}

/** The middleware every function of the app runs with, whichever client builds it. */
export const functionMiddleware = [SafeErrorsMiddleware];
