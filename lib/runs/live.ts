// Live run updates: one LISTEN run_events per process fanned out to subscribers by run id,
// and the SSE stream the run card applies as it comes (resumable from Last-Event-ID = the last
// seq seen). Its frames are typed in wire.ts.
import "server-only";
import { getDbHandle } from "@/lib/db";
import {
  getRunById,
  listRunEvents,
  listUnitAttempts,
  RUN_EVENTS_CHANNEL,
} from "@/lib/db/run-queries";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { logError } from "@/lib/log";
import { RUN_FINISHED_KEY } from "./records";
import { isTerminal } from "./status";
import {
  type LiveRunEnd,
  type LiveRunEvent,
  toWireEvent,
  toWireRun,
  toWireStep,
  unitOf,
} from "./wire";

type Listener = () => void;
type Bus = { listeners: Map<string, Set<Listener>>; ready: Promise<void> };

const globalForBus = globalThis as unknown as { flowchatRunBus?: Bus };

function bus(): Bus {
  if (!globalForBus.flowchatRunBus) {
    const listeners = new Map<string, Set<Listener>>();
    const ready = (async () => {
      const handle = await getDbHandle();
      await handle.listen(RUN_EVENTS_CHANNEL, (runId) => {
        for (const listener of listeners.get(runId) ?? []) listener();
      });
    })().catch((error) => {
      globalForBus.flowchatRunBus = undefined;
      throw error;
    });
    globalForBus.flowchatRunBus = { listeners, ready };
  }
  return globalForBus.flowchatRunBus;
}

/** Calls `onChange` whenever the run changes; returns the unsubscribe function. */
export async function subscribeToRun(runId: string, onChange: Listener): Promise<() => void> {
  const b = bus();
  await b.ready;
  let set = b.listeners.get(runId);
  if (!set) {
    set = new Set();
    b.listeners.set(runId, set);
  }
  set.add(onChange);
  return () => {
    set.delete(onChange);
    if (set.size === 0) b.listeners.delete(runId);
  };
}

const BATCH = 500;
/**
 * How long a stream whose run has ended waits for its last entry (RUN_FINISHED_KEY) before it
 * ends anyway. The status and that entry are written in one transaction (finishRun), so this
 * only matters for runs ended without one (by an older version of the app).
 */
const FINISH_GRACE_MS = 2_000;

/** A `run-event` frame: the entry, the run as read after it, and the attempts of its unit. */
export function formatSse(event: RunEvent, run: Run, attempts: RunStep[] = []): string {
  const unit = unitOf(event);
  const steps = unit
    ? attempts
        .filter((s) => s.stepId === unit.stepId && s.iteration === unit.iteration)
        .map(toWireStep)
    : [];
  const frame: LiveRunEvent = { ...toWireEvent(event), run: toWireRun(run), steps };
  return `id: ${event.seq}\nevent: run-event\ndata: ${JSON.stringify(frame)}\n\n`;
}

/**
 * An SSE stream of a run after the entry `afterSeq`, for a view that holds everything up to it:
 * what is stored first, then each change as it is written. Every `run-event` frame carries the
 * entry, the run and the step attempts it is about, so a view applies it without reading the
 * run again; an `event: run` frame carries the run when it changed without an entry (running ⇄
 * waiting). Ends with `event: end` once the run has ended and its last entry is sent. The
 * caller has checked ownership.
 */
export function runEventStream({
  runId,
  afterSeq = 0,
  signal,
  heartbeatMs = 15_000,
  finishGraceMs = FINISH_GRACE_MS,
}: {
  runId: string;
  afterSeq?: number;
  signal?: AbortSignal;
  heartbeatMs?: number;
  finishGraceMs?: number;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let last = afterSeq;
  /** Whether the entry at `last` is the run's last one; undefined until known. */
  let lastIsFinish: boolean | undefined = afterSeq === 0 ? false : undefined;
  let sentRun: string | undefined;
  let graceOver = false;
  let grace: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  let pumping: Promise<void> = Promise.resolve();

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe?.();
        clearInterval(heartbeat);
        clearTimeout(grace);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const end = (run: Run | undefined) => {
        const frame: LiveRunEnd = { status: run?.status };
        send(`event: end\ndata: ${JSON.stringify(frame)}\n\n`);
        close();
      };
      /** Sends what was written after `last`; returns the run as read after those entries. */
      const sendNew = async (): Promise<Run | undefined> => {
        for (;;) {
          const events = await listRunEvents({ runId, afterSeq: last, limit: BATCH });
          // Read after the entries, so the rows are at least as new as what they describe.
          const run = await getRunById({ runId });
          if (!run) return undefined;
          const units = events.map(unitOf).filter((u) => u !== undefined);
          const attempts = await listUnitAttempts({ runId, units });
          for (const event of events) {
            send(formatSse(event, run, attempts));
            last = event.seq;
            lastIsFinish = event.key === RUN_FINISHED_KEY;
          }
          const wire = JSON.stringify(toWireRun(run));
          if (events.length === 0 && wire !== sentRun) {
            send(`event: run\ndata: ${wire}\n\n`);
          }
          sentRun = wire;
          if (events.length < BATCH) return run;
        }
      };
      const pump = async () => {
        if (closed) return;
        const run = await sendNew();
        if (!run) return end(undefined);
        if (!isTerminal(run.status)) return;
        if (lastIsFinish === undefined) {
          const [seen] = await listRunEvents({ runId, afterSeq: last - 1, limit: 1 });
          lastIsFinish = seen?.key === RUN_FINISHED_KEY;
        }
        // A run ended without its last entry (older versions): wait for it a little.
        if (lastIsFinish || graceOver) return end(run);
        grace ??= setTimeout(() => {
          graceOver = true;
          schedule();
        }, finishGraceMs);
      };
      const schedule = () => {
        pumping = pumping.then(pump).catch((error) => {
          logError("[runs] live stream failed", error);
          close();
        });
      };
      signal?.addEventListener("abort", close);
      send("retry: 2000\n\n");
      unsubscribe = await subscribeToRun(runId, schedule);
      // Gone while subscribing: nothing to keep open.
      if (closed) return unsubscribe();
      heartbeat = setInterval(() => {
        if (!closed) send(": keep-alive\n\n");
      }, heartbeatMs);
      schedule();
      await pumping;
    },
    cancel() {
      closed = true;
      unsubscribe?.();
      clearInterval(heartbeat);
      clearTimeout(grace);
    },
  });
}
