// Queues a call again after an error: the same discovery or planned step, one attempt later.
import type { Backoff } from "../backoff";
import type { Job } from "../interfaces";
import { enqueueJob } from "../sql/enqueue-job";
import type { Queryable } from "../sql-client";

export async function retryCall(
  q: Queryable,
  backoff: Backoff,
  a: {
    runId: string;
    /** "step" for a discovery call, else the planned step to run again. */
    step: string;
    /** The attempt to make (1 for the first retry). */
    attempt: number;
    /** The SDK's `RetryAfterError` delay, which wins over the backoff. */
    retryAfterMs: number | undefined;
    /** The call that failed: its concurrency key and limit carry over. */
    job: Job;
  },
): Promise<void> {
  const delay = a.retryAfterMs ?? backoff(a.attempt - 1);
  await enqueueJob(q, {
    kind: "call",
    runId: a.runId,
    payload: {
      step: a.step,
      attempt: a.attempt,
      ...(a.job.payload.race === true ? { race: true } : {}),
    },
    runAt: Date.now() + delay,
    key: a.step === "step" ? `discover:${a.runId}` : `call:${a.runId}:${a.step}`,
    concurrencyKey: a.job.concurrency_key,
    concurrencyLimit: a.job.concurrency_limit,
    concurrencyKey2: a.job.concurrency_key_2,
    concurrencyLimit2: a.job.concurrency_limit_2,
  });
}
