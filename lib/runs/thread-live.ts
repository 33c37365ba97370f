// An open thread's ONE live stream (GET /api/threads/:id/events): every run of the thread (its
// own runs and its workflows', whoever started them: a schedule, a webhook, another tab) and
// every message a workflow writes into it, as SSE frames typed in thread-wire.ts. Reads are
// shared: each follower of a run (live.ts) or of the thread's messages woken by the same
// notification gets one read, whatever the number of viewers in this process.
import "server-only";
import {
  getRunThreads,
  getThreadLiveSeq,
  listThreadActiveRuns,
  listThreadMessageChanges,
  listThreadRunsAmong,
} from "@/lib/db/live-queries";
import { THREAD_MESSAGES_CHANNEL } from "@/lib/db/message-queries";
import { RUN_EVENTS_CHANNEL } from "@/lib/db/run-queries";
import { logError } from "@/lib/log";
import { followRun, type RunFollower } from "./live";
import { sharedRead, subscribe } from "./live-bus";
import {
  formatThreadCursor,
  type ThreadCursor,
  type ThreadMessageFrame,
  type ThreadRunEnd,
} from "./thread-wire";

const MESSAGE_BATCH = 200;
/** A run first seen this long before the stream opened (or later) is followed from its start. */
const NEW_RUN_SLACK_MS = 10_000;

type MessageChanges = { frames: { seq: number; json: string }[] };

/** The thread's message changes after `afterSeq`, serialized once for every viewer. */
function readMessageChanges(threadId: string, afterSeq: number): Promise<MessageChanges> {
  return sharedRead(THREAD_MESSAGES_CHANNEL, threadId, `after:${afterSeq}`, async () => {
    const rows = await listThreadMessageChanges({ threadId, afterSeq, limit: MESSAGE_BATCH });
    return {
      frames: rows.map((row) => {
        const frame: ThreadMessageFrame = {
          seq: row.liveSeq,
          message: {
            id: row.id,
            role: row.role,
            parts: row.parts as ThreadMessageFrame["message"]["parts"],
            metadata: (row.metadata ?? undefined) as ThreadMessageFrame["message"]["metadata"],
          },
        };
        return { seq: row.liveSeq, json: JSON.stringify(frame) };
      }),
    };
  });
}

type RunThreads = Awaited<ReturnType<typeof getRunThreads>>;
const globalForRuns = globalThis as unknown as {
  flowchatRunThreads?: Map<string, Promise<RunThreads>>;
};
const RUN_THREADS_KEPT = 5_000;

/** Which threads a run belongs to: read once per run per process (it does not change). */
function runThreads(runId: string): Promise<RunThreads> {
  globalForRuns.flowchatRunThreads ??= new Map();
  const cache = globalForRuns.flowchatRunThreads;
  let found = cache.get(runId);
  if (!found) {
    found = getRunThreads({ runId });
    // Unknown runs (not written yet) are asked again next time.
    found.then(
      (info: RunThreads) => info ?? cache.delete(runId),
      () => cache.delete(runId),
    );
    cache.set(runId, found);
    if (cache.size > RUN_THREADS_KEPT) cache.delete(cache.keys().next().value as string);
  }
  return found;
}

/**
 * The live stream of the owner's thread from `cursor` (the caller checked ownership; without
 * a cursor it starts at the thread's current message sequence and each active run's newest
 * entry). Never ends on its own: a heartbeat keeps it open until the client leaves.
 */
export function threadEventStream({
  threadId,
  userId,
  cursor,
  signal,
  heartbeatMs = 15_000,
  finishGraceMs,
}: {
  threadId: string;
  userId: string;
  cursor?: ThreadCursor;
  signal?: AbortSignal;
  heartbeatMs?: number;
  finishGraceMs?: number;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const openedAt = Date.now();
  const followers = new Map<string, { follower: RunFollower; unsubscribe?: () => void }>();
  /** Runs this stream followed to their end, or decided not to follow. */
  const settled = new Set<string>();
  const unsubscribes: (() => void)[] = [];
  let messageSeq = cursor?.messages ?? 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  let readingMessages = false;
  let messagesAgain = false;

  const cleanup = () => {
    closed = true;
    clearInterval(heartbeat);
    for (const unsubscribe of unsubscribes) unsubscribe();
    for (const { follower, unsubscribe } of followers.values()) {
      follower.stop();
      unsubscribe?.();
    }
    followers.clear();
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const close = () => {
        if (closed) return;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      const fail = (error: unknown) => {
        if (closed) return;
        logError("[runs] thread live stream failed", error);
        close();
      };
      const id = () => {
        const runs = new Map<string, number>();
        for (const [runId, { follower }] of followers) runs.set(runId, follower.last());
        return formatThreadCursor({ messages: messageSeq, runs });
      };
      /** Sends one frame; its id is the cursor once the frame's change is counted. */
      const send = (event: string, json: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(`id: ${id()}\nevent: ${event}\ndata: ${json}\n\n`));
      };

      const pumpMessages = () => {
        if (closed) return;
        if (readingMessages) {
          messagesAgain = true;
          return;
        }
        readingMessages = true;
        void (async () => {
          try {
            do {
              messagesAgain = false;
              for (;;) {
                const { frames } = await readMessageChanges(threadId, messageSeq);
                if (closed) return;
                for (const frame of frames) {
                  messageSeq = frame.seq;
                  send("message", frame.json);
                }
                if (frames.length < MESSAGE_BATCH) break;
              }
            } while (messagesAgain && !closed);
          } catch (error) {
            fail(error);
          } finally {
            readingMessages = false;
          }
        })();
      };

      const follow = async (runId: string, afterSeq: number) => {
        if (closed || followers.has(runId) || settled.has(runId)) return;
        const entry: { follower: RunFollower; unsubscribe?: () => void } = {
          follower: followRun({
            runId,
            afterSeq,
            finishGraceMs,
            onEvent: (frame) => send("run-event", frame.json),
            onRun: (json) => send("run", json),
            onEnd: (end) => {
              followers.get(runId)?.unsubscribe?.();
              followers.delete(runId);
              settled.add(runId);
              const frame: ThreadRunEnd = { runId, status: end.status };
              send("run-end", JSON.stringify(frame));
            },
            onError: fail,
          }),
        };
        followers.set(runId, entry);
        const unsubscribe = await subscribe(RUN_EVENTS_CHANNEL, runId, entry.follower.poke);
        if (closed || followers.get(runId) !== entry) return unsubscribe();
        entry.unsubscribe = unsubscribe;
        entry.follower.poke();
      };

      /** A run this stream does not follow changed: follow it if it is one of the thread's. */
      const discover = async (runId: string) => {
        if (closed || followers.has(runId) || settled.has(runId)) return;
        const info = await runThreads(runId);
        if (!info || info.userId !== userId || !info.threadIds.includes(threadId)) return;
        // Older runs that were not active when the stream opened have ended: nothing to send.
        if (info.createdAt.getTime() < openedAt - NEW_RUN_SLACK_MS) return;
        await follow(runId, 0);
      };

      signal?.addEventListener("abort", close);
      try {
        controller.enqueue(encoder.encode("retry: 2000\n\n"));
        unsubscribes.push(await subscribe(THREAD_MESSAGES_CHANNEL, threadId, pumpMessages));
        // Runs that change while the stream starts are looked at once it follows the runs
        // the cursor names and the active ones (from the seq it knows for them).
        let starting: Set<string> | undefined = new Set();
        unsubscribes.push(
          await subscribe(RUN_EVENTS_CHANNEL, "*", (runId) => {
            if (starting) starting.add(runId);
            else void discover(runId).catch(fail);
          }),
        );
        if (closed) return cleanup();
        if (!cursor) messageSeq = (await getThreadLiveSeq({ threadId, userId })) ?? 0;
        const resumed = await listThreadRunsAmong({
          threadId,
          userId,
          runIds: [...(cursor?.runs.keys() ?? [])],
        });
        const active = await listThreadActiveRuns({ threadId, userId });
        for (const runId of resumed) await follow(runId, cursor?.runs.get(runId) ?? 0);
        for (const run of active) await follow(run.id, run.lastSeq);
        const changed = starting;
        starting = undefined;
        for (const runId of changed) await discover(runId);
        if (closed) return;
        send("ready", JSON.stringify({ seq: messageSeq }));
        heartbeat = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
        }, heartbeatMs);
        pumpMessages();
      } catch (error) {
        fail(error);
      }
    },
    cancel() {
      cleanup();
    },
  });
}
