// Every Inngest function of the app, built for one client and action registry (tests build
// their own with a test registry).
import "server-only";
import { type BulkRunsOptions, createBulkRuns } from "./bulk-runs";
import { createCancelChildRuns } from "./cancel-child-runs";
import { createEventTriggers } from "./event-triggers";
import { createExecuteWorkflow, type ExecuteWorkflowOptions } from "./execute-workflow";
import { createPruneRuns } from "./prune-runs";
import { createRelayWaitSignal } from "./relay-wait-signal";
import { createRunDeadline } from "./run-deadline";
import { createScheduleTick } from "./schedule-tick";

export function createFunctions(options: ExecuteWorkflowOptions & Omit<BulkRunsOptions, "client">) {
  return [
    createExecuteWorkflow(options),
    createRelayWaitSignal(options),
    createScheduleTick(options),
    createEventTriggers(options),
    createPruneRuns(options),
    createBulkRuns(options),
    createRunDeadline(options),
    createCancelChildRuns(options),
  ];
}
