// Shared setup for action tests: a context with a loopback-only network policy.
import {
  type ActionContext,
  type ActionLogEntry,
  type CreateActionContextOptions,
  createActionContext,
} from "@/lib/actions/runtime/context";
import { ActionError } from "@/lib/actions/runtime/errors";
import { createNetworkPolicy, type ProtectedPort, type Resolver } from "@/lib/net/policy";

/** Only loopback names ever resolve; anything else is a test bug, not a network call. */
export const loopbackResolver: Resolver = async (hostname) => {
  if (hostname === "localhost") return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

export function testContext(
  overrides: Partial<CreateActionContextOptions> & {
    allow?: string[];
    resolve?: Resolver;
    protectedPorts?: ProtectedPort[];
  } = {},
): ActionContext & { logs: ActionLogEntry[] } {
  const logs: ActionLogEntry[] = [];
  const { allow, resolve, protectedPorts, ...rest } = overrides;
  const context = createActionContext({
    runId: "run-1",
    workflowId: "wf-1",
    userId: "user-1",
    stepId: "step",
    network: createNetworkPolicy({
      allow: allow ?? ["127.0.0.1"],
      resolve: resolve ?? loopbackResolver,
      protectedPorts,
      timeoutMs: 5_000,
    }),
    log: (entry) => logs.push(entry),
    ...rest,
  });
  return Object.assign(context, { logs });
}

/** The ActionError a promise rejects with (fails the test when it resolves). */
export async function actionError(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw new Error(`expected an ActionError, got ${String(error)}`);
  }
  throw new Error("expected the action to fail, but it succeeded");
}
