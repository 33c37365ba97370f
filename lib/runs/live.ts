// Live run updates: one LISTEN run_events per process fanned out to subscribers by run id,
// and the SSE stream the run card reads (resumable from Last-Event-ID = the last seq seen).
import "server-only";
import { getDbHandle } from "@/lib/db";
import { getRunById, listRunEvents, RUN_EVENTS_CHANNEL } from "@/lib/db/run-queries";
import type { RunEvent } from "@/lib/db/schema";
import { logError } from "@/lib/log";
import { isTerminal } from "./status";
import { toWireEvent } from "./wire";

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

export function formatSse(event: RunEvent): string {
  return `id: ${event.seq}\nevent: run-event\ndata: ${JSON.stringify(toWireEvent(event))}\n\n`;
}

/**
 * An SSE stream of a run's events after `afterSeq`: what is stored first, then each new event
 * as it is written; ends with `event: end` once the run has finished and everything is sent.
 * The caller has checked ownership.
 */
export function runEventStream({
  runId,
  afterSeq = 0,
  signal,
  heartbeatMs = 15_000,
}: {
  runId: string;
  afterSeq?: number;
  signal?: AbortSignal;
  heartbeatMs?: number;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let last = afterSeq;
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  let pumping: Promise<void> = Promise.resolve();

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        unsubscribe?.();
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const pump = async () => {
        if (closed) return;
        for (;;) {
          const events = await listRunEvents({ runId, afterSeq: last, limit: 500 });
          for (const event of events) {
            controller.enqueue(encoder.encode(formatSse(event)));
            last = event.seq;
          }
          if (events.length < 500) break;
        }
        const run = await getRunById({ runId });
        if (!run || isTerminal(run.status)) {
          // Events written after the status change (the final one) are read once more.
          const rest = await listRunEvents({ runId, afterSeq: last });
          for (const event of rest) {
            controller.enqueue(encoder.encode(formatSse(event)));
            last = event.seq;
          }
          controller.enqueue(
            encoder.encode(`event: end\ndata: ${JSON.stringify({ status: run?.status })}\n\n`),
          );
          close();
        }
      };
      const schedule = () => {
        pumping = pumping.then(pump).catch((error) => {
          logError("[runs] live stream failed", error);
          close();
        });
      };
      signal?.addEventListener("abort", close);
      controller.enqueue(encoder.encode("retry: 2000\n\n"));
      unsubscribe = await subscribeToRun(runId, schedule);
      heartbeat = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
      }, heartbeatMs);
      schedule();
      await pumping;
    },
    cancel() {
      closed = true;
      unsubscribe?.();
      clearInterval(heartbeat);
    },
  });
}
