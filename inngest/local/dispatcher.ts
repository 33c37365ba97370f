// The claim loop: takes due jobs in batches (FOR UPDATE SKIP LOCKED), runs up to
// `maxInFlight` at once, and sleeps until the next job is due, a NOTIFY arrives, or the
// slow safety poll fires. No tight polling.
import { ulid } from "./ids";
import type { EngineLogger, Job } from "./interfaces";
import { claimJobs } from "./sql/claim-jobs";
import { nextJobAt } from "./sql/next-job-at";
import { releaseJob } from "./sql/release-job";
import type { SqlClient } from "./sql-client";

export type DispatcherOptions = {
  sql: SqlClient;
  logger: EngineLogger;
  process: (job: Job) => Promise<void>;
  maxInFlight: number;
  pollIntervalMs: number;
  /** The lock owner name of this worker's claims (default: a fresh one). */
  workerId?: string;
  /** A fake clock for tests: jobs are due by it rather than by the database's time. */
  clock?: () => number;
};

export class Dispatcher {
  readonly workerId: string;
  private running = false;
  private inFlight = new Set<Promise<void>>();
  private filling = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.workerId = options.workerId ?? `worker-${ulid()}`;
  }

  start() {
    this.running = true;
    this.wake();
  }

  /** Stops claiming and waits for the jobs in flight to finish. */
  async stop() {
    this.running = false;
    clearTimeout(this.timer);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  get isRunning() {
    return this.running;
  }

  wake = () => {
    if (!this.running) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    void this.fill();
  };

  private async fill() {
    this.filling = true;
    try {
      do {
        this.again = false;
        let drained = false;
        while (this.running && this.inFlight.size < this.options.maxInFlight) {
          const room = this.options.maxInFlight - this.inFlight.size;
          const jobs = await claimJobs(
            this.options.sql,
            this.workerId,
            room,
            this.options.clock?.() ?? null,
          );
          for (const job of jobs) this.launch(job);
          if (jobs.length < room) {
            drained = true;
            break;
          }
        }
        if (drained && !this.again) await this.armTimer();
      } while (this.again && this.running);
    } catch (error) {
      this.options.logger.error("claiming jobs failed", { error: String(error) });
      this.schedule(1000);
    } finally {
      this.filling = false;
    }
  }

  private launch(job: Job) {
    const task = this.options
      .process(job)
      .catch(async (error) => {
        this.options.logger.error(`job ${job.kind} ${job.id} failed; retrying`, {
          run: job.run_id,
          error: String(error),
        });
        await releaseJob(this.options.sql, job.id, 1000).catch(() => {});
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.wake();
      });
    this.inFlight.add(task);
  }

  private async armTimer() {
    if (!this.running) return;
    const next = await nextJobAt(this.options.sql);
    const now = this.options.clock?.() ?? Date.now();
    // A job that is due but was not claimable waits on a concurrency slot: the job holding
    // the slot wakes the loop when it ends, so only the safety poll is needed for it.
    const wait = next === null || next <= now ? this.options.pollIntervalMs : next - now;
    this.schedule(Math.min(wait, this.options.pollIntervalMs));
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(this.wake, Math.max(ms, 5));
  }
}
