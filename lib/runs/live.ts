// Live run updates: one LISTEN run_events per process (live-bus.ts) fanned out to followers by
// run id. A follower turns a run's changes after a seq into frames (typed in wire.ts); every
// follower of the same run woken by the same notification shares ONE read of what changed
// (`readRunChanges`). The per-run SSE stream (`runEventStream`, resumable from Last-Event-ID =
// the last seq seen) is one follower; an open thread's stream (thread-live.ts) holds one per run.
import "server-only";
import {
  getRunById,
  listRunEvents,
  listUnitAttempts,
  RUN_EVENTS_CHANNEL,
} from "@/lib/db/run-queries";
import type { Run, RunEvent, RunStep } from "@/lib/db/schema";
import { logError } from "@/lib/log";
import { sharedRead, subscribe } from "./live-bus";
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

const BATCH = 500;
/**
 * How long a follower whose run has ended waits for its last entry (RUN_FINISHED_KEY) before
 * it ends anyway. The status and that entry are written in one transaction (finishRun), so this
 * only matters for runs ended without one (by an older version of the app).
 */
const FINISH_GRACE_MS = 2_000;

/** Calls `onChange` whenever the run changes; returns the unsubscribe function. */
export function subscribeToRun(runId: string, onChange: () => void): Promise<() => void> {
  return subscribe(RUN_EVENTS_CHANNEL, runId, onChange);
}

/** A `run-event` frame: the entry, the run as read after it, and the attempts of its unit. */
export function liveRunEvent(event: RunEvent, run: Run, attempts: RunStep[] = []): LiveRunEvent {
  const unit = unitOf(event);
  const steps = unit
    ? attempts
        .filter((s) => s.stepId === unit.stepId && s.iteration === unit.iteration)
        .map(toWireStep)
    : [];
  return { ...toWireEvent(event), run: toWireRun(run), steps };
}

/** One entry as it goes out: its seq, whether it is the run's last, its frame as JSON. */
export type RunFrame = { seq: number; finish: boolean; json: string };

/** What changed in a run after a seq, ready to send; shared by every follower asking. */
export type RunChanges = { frames: RunFrame[]; run: Run | undefined; runJson: string };

/**
 * The run's entries after `afterSeq` (up to BATCH), the run read after them and the attempts
 * they are about, serialized once: every follower of the run at the same seq woken by the
 * same notification gets this one read.
 */
export function readRunChanges(runId: string, afterSeq: number): Promise<RunChanges> {
  return sharedRead(RUN_EVENTS_CHANNEL, runId, `after:${afterSeq}`, async () => {
    const events = await listRunEvents({ runId, afterSeq, limit: BATCH });
    // Read after the entries, so the rows are at least as new as what they describe (the two
    // reads side by side: one round trip less on the way to the viewers).
    const units = events.map(unitOf).filter((u) => u !== undefined);
    const [run, attempts] = await Promise.all([
      getRunById({ runId }),
      listUnitAttempts({ runId, units }),
    ]);
    if (!run) return { frames: [], run: undefined, runJson: "" };
    const frames = events.map((event) => ({
      seq: event.seq,
      finish: event.key === RUN_FINISHED_KEY,
      json: JSON.stringify(liveRunEvent(event, run, attempts)),
    }));
    return { frames, run, runJson: JSON.stringify(toWireRun(run)) };
  });
}

export type RunFollower = {
  /** Reads and sends what changed (coalesced: one read at a time, one more if poked meanwhile). */
  poke(): void;
  stop(): void;
  /** The seq of the newest entry sent. */
  last(): number;
};

/**
 * Follows one run from `afterSeq`: each poke reads what changed (shared) and hands it on as
 * `run-event` frames (JSON of LiveRunEvent), a `run` frame when only the run changed (running
 * ⇄ waiting), and `end` once the run has ended and its last entry was sent.
 */
export function followRun({
  runId,
  afterSeq,
  finishGraceMs = FINISH_GRACE_MS,
  onEvent,
  onRun,
  onEnd,
  onError,
}: {
  runId: string;
  afterSeq: number;
  finishGraceMs?: number;
  onEvent(frame: RunFrame): void;
  onRun(runJson: string): void;
  onEnd(end: LiveRunEnd): void;
  onError(error: unknown): void;
}): RunFollower {
  let last = afterSeq;
  /** Whether the entry at `last` is the run's last one; undefined until known. */
  let lastIsFinish: boolean | undefined = afterSeq === 0 ? false : undefined;
  let sentRun: string | undefined;
  let graceOver = false;
  let grace: NodeJS.Timeout | undefined;
  let stopped = false;
  let reading = false;
  let again = false;

  const end = (run: Run | undefined) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(grace);
    onEnd({ status: run?.status });
  };

  /** Sends what was written after `last`; returns the run as read after those entries. */
  const sendNew = async (): Promise<Run | undefined> => {
    for (;;) {
      const changes = await readRunChanges(runId, last);
      if (stopped || !changes.run) return changes.run;
      for (const frame of changes.frames) {
        // Counted before it goes out: a frame's id (the thread cursor) includes it.
        last = frame.seq;
        lastIsFinish = frame.finish;
        onEvent(frame);
      }
      if (changes.frames.length === 0 && changes.runJson !== sentRun) onRun(changes.runJson);
      sentRun = changes.runJson;
      if (changes.frames.length < BATCH) return changes.run;
    }
  };

  const pump = async () => {
    const run = await sendNew();
    if (stopped) return;
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
      poke();
    }, finishGraceMs);
  };

  const poke = () => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    void (async () => {
      try {
        do {
          again = false;
          await pump();
        } while (again && !stopped);
      } catch (error) {
        stopped = true;
        clearTimeout(grace);
        onError(error);
      } finally {
        reading = false;
      }
    })();
  };

  return {
    poke,
    stop() {
      stopped = true;
      clearTimeout(grace);
    },
    last: () => last,
  };
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/**
 * An SSE stream of a run after the entry `afterSeq`, for a view that holds everything up to it:
 * what is stored first, then each change as it is written. Every `run-event` frame (id = seq)
 * carries the entry, the run and the step attempts it is about, so a view applies it without
 * reading the run again; an `event: run` frame carries the run when it changed without an entry
 * (running ⇄ waiting). Ends with `event: end` once the run has ended and its last entry is
 * sent. The caller has checked ownership.
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
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let follower: RunFollower | undefined;
  let closed = false;

  const cleanup = () => {
    closed = true;
    follower?.stop();
    unsubscribe?.();
    clearInterval(heartbeat);
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      signal?.addEventListener("abort", close);
      send("retry: 2000\n\n");
      follower = followRun({
        runId,
        afterSeq,
        finishGraceMs,
        onEvent: (frame) => send(`id: ${frame.seq}\nevent: run-event\ndata: ${frame.json}\n\n`),
        onRun: (json) => send(`event: run\ndata: ${json}\n\n`),
        onEnd: (end) => {
          send(`event: end\ndata: ${JSON.stringify(end)}\n\n`);
          close();
        },
        onError: (error) => {
          logError("[runs] live stream failed", error);
          close();
        },
      });
      const poke = follower.poke;
      unsubscribe = await subscribeToRun(runId, poke);
      // Gone while subscribing: nothing to keep open.
      if (closed) return unsubscribe();
      heartbeat = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
      poke();
    },
    cancel() {
      cleanup();
    },
  });
}
