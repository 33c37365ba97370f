// Helpers actions use to reach their services and state what is missing.
import type { ActionContext, ActionServices } from "./context";
import { NonRetriableActionError } from "./errors";

/** The named service, or a not-retriable "not configured" error naming the action. */
export function requireService<K extends keyof ActionServices>(
  context: ActionContext,
  name: K,
  actionId: string,
): NonNullable<ActionServices[K]> {
  const service = context.services[name];
  if (service === undefined || service === null) {
    throw new NonRetriableActionError(
      `${actionId} is not available here: the run has no ${String(name)} service`,
      { code: "not_configured" },
    );
  }
  return service as NonNullable<ActionServices[K]>;
}
