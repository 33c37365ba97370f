// Runs one claimed job by its kind. Each kind's work lives in jobs/: a call to the SDK and its
// answer applied (jobs/call.ts), an event matched (jobs/event.ts), a timer or a cron schedule
// fired (jobs/timer.ts, jobs/cron.ts). Checkpoints posted by SDKs apply through checkpoint.ts.
import { applyCheckpoint } from "./checkpoint";
import {
  checkpointEndpointSteps,
  type EndpointCheckpointResult,
  startEndpointRun,
} from "./durable-endpoint";
import type { Job } from "./interfaces";
import { fireBatch } from "./jobs/batch";
import { runCallJob } from "./jobs/call";
import type { WorkerDeps } from "./jobs/context";
import { fireCron } from "./jobs/cron";
import { fireDebounce } from "./jobs/debounce";
import { matchEvent } from "./jobs/event";
import { fireRunTimeout } from "./jobs/run-timeout";
import { fireTimer } from "./jobs/timer";
import { deleteJob } from "./sql/delete-job";

/** What an invoked run's step gets when it times out (Inngest's error, same name and text). */
const INVOKE_TIMEOUT = {
  error: {
    name: "InngestInvokeTimeoutError",
    message: "Timed out waiting for the invoked function to complete",
  },
};

export class Worker {
  constructor(private readonly deps: WorkerDeps) {}

  async process(job: Job): Promise<void> {
    switch (job.kind) {
      case "call":
        return runCallJob(this.deps, job);
      case "event":
        return matchEvent(this.deps, job);
      case "sleep":
        return fireTimer(this.deps, job, null);
      case "wait_timeout":
        return fireTimer(this.deps, job, null, String(job.payload.pauseId));
      case "invoke_timeout":
        return fireTimer(this.deps, job, INVOKE_TIMEOUT, String(job.payload.pauseId));
      case "cron":
        return fireCron(this.deps, job);
      case "debounce":
        return fireDebounce(this.deps, job);
      case "batch":
        return fireBatch(this.deps, job);
      case "run_timeout":
        return fireRunTimeout(this.deps, job);
      default:
        this.deps.logger.warn(`dropping a job of unknown kind ${job.kind}`);
        await deleteJob(this.deps.sql, job.id);
    }
  }

  /** `POST /v1/checkpoint/:run/async` (see checkpoint.ts). */
  checkpoint(runId: string, body: { qi_id?: unknown; steps?: unknown }): Promise<"ok" | "stale"> {
    return applyCheckpoint(this.deps, runId, body);
  }

  /** `POST /v1/checkpoint`: a durable endpoint's run starts (see durable-endpoint.ts). */
  startEndpointRun(body: unknown): Promise<EndpointCheckpointResult> {
    return startEndpointRun(this.deps, body);
  }

  /** `POST /v1/checkpoint/:run/steps`: a durable endpoint's later steps. */
  checkpointEndpoint(runId: string, body: unknown): Promise<EndpointCheckpointResult> {
    return checkpointEndpointSteps(this.deps, runId, body);
  }
}
