"use client";

// The open thread's ONE live stream (GET /api/threads/:id/events, lib/runs/thread-wire.ts):
// run frames go to the run cards that subscribe (useRun), messages the workflows write go
// straight into the list (new ones appended, changed ones replaced), never while a reply
// streams: those wait and are applied once it ends. Nothing is read again.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
} from "react";
import type { ChatMessage } from "@/lib/ai/types";
import type { ThreadMessageFrame, ThreadRunEnd } from "@/lib/runs/thread-wire";
import type { LiveRunEvent, WireRun } from "@/lib/runs/wire";

export type RunFrame = { kind: "event"; event: LiveRunEvent } | { kind: "run"; run: WireRun };
type RunListener = (frame: RunFrame) => void;

export type ThreadLive = {
  /**
   * Calls `listener` with the run's frames this page has received so far (in order), then
   * with each new one; returns the unsubscribe function.
   */
  subscribeRun(runId: string, listener: RunListener): () => void;
};

const Context = createContext<ThreadLive | null>(null);

/** The thread's live stream, or null outside a thread page (useRun then opens its own). */
export function useThreadLive(): ThreadLive | null {
  return useContext(Context);
}

/** Frames kept per run for cards that mount later (a card finding a gap reads its run). */
const KEPT_FRAMES = 1_000;
/** How long an ended run's frames stay for a card that is about to mount. */
const ENDED_KEPT_MS = 30_000;
/** How long to wait before opening a stream the server refused (429, a new chat's 404). */
const REOPEN_MS = 5_000;
const REOPEN_MAX_MS = 60_000;

/** A message's place in the thread in µs: a workflow's `order`, else when it was made. */
function placeOf(message: ChatMessage): number | undefined {
  const { order, createdAt } = message.metadata ?? {};
  if (order !== undefined) return order;
  const at = createdAt ? Date.parse(createdAt) : Number.NaN;
  return Number.isNaN(at) ? undefined : at * 1000;
}

/**
 * `messages` with `message` replacing the one with its id, or inserted at its place: a run's
 * posts sit at the run's place in plan order (lib/runs/thread-order.ts), which may be before
 * messages written later (a reply during a long run), so it goes after the last message that
 * is not placed after it.
 */
export function upsertMessage(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === message.id);
  if (index === -1) {
    const place = placeOf(message);
    let at = messages.length;
    while (place !== undefined && at > 0) {
      const before = placeOf(messages[at - 1]);
      if (before === undefined || before <= place) break;
      at -= 1;
    }
    return [...messages.slice(0, at), message, ...messages.slice(at)];
  }
  const next = messages.slice();
  next[index] = message;
  return next;
}

export function ThreadLiveProvider({
  threadId,
  liveSeq,
  busy,
  setMessages,
  children,
}: {
  threadId: string;
  /**
   * The thread's `live_seq` as the page read it: the stream sends what changed after it.
   * Without it (a new chat, no thread yet) there is no stream.
   */
  liveSeq?: number;
  busy: boolean;
  setMessages: (update: (messages: ChatMessage[]) => ChatMessage[]) => void;
  children: ReactNode;
}) {
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const setMessagesRef = useRef(setMessages);
  setMessagesRef.current = setMessages;
  const waiting = useRef<ChatMessage[]>([]);
  const runs = useRef(new Map<string, { frames: RunFrame[]; listeners: Set<RunListener> }>());
  // Where the first connection starts; later ones resume from the last frame's id.
  const startSeq = useRef(liveSeq);

  const applyMessages = useCallback((messages: ChatMessage[]) => {
    if (messages.length === 0) return;
    setMessagesRef.current((all) => messages.reduce(upsertMessage, all));
  }, []);

  // A reply that was streaming has ended: what workflows wrote meanwhile goes in now.
  useEffect(() => {
    if (busy) return;
    const queued = waiting.current;
    waiting.current = [];
    applyMessages(queued);
  }, [busy, applyMessages]);

  const runOf = useCallback((runId: string) => {
    let entry = runs.current.get(runId);
    if (!entry) {
      entry = { frames: [], listeners: new Set() };
      runs.current.set(runId, entry);
    }
    return entry;
  }, []);

  // A new chat's page has no thread yet (it passes no sequence): no stream, and cards there
  // follow their runs on their own.
  const enabled = liveSeq !== undefined;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let cursor = startSeq.current === undefined ? undefined : String(startSeq.current);
    let stopped = false;
    let refused = 0;

    const toRun = (runId: string, frame: RunFrame) => {
      const entry = runOf(runId);
      entry.frames.push(frame);
      if (entry.frames.length > KEPT_FRAMES) entry.frames.shift();
      for (const listener of entry.listeners) listener(frame);
    };
    const track = (event: MessageEvent) => {
      if (event.lastEventId) cursor = event.lastEventId;
    };

    const open = () => {
      const url = `/api/threads/${threadId}/events${cursor ? `?after=${encodeURIComponent(cursor)}` : ""}`;
      source = new EventSource(url);
      source.onopen = () => {
        refused = 0;
      };
      source.addEventListener("run-event", (event) => {
        track(event);
        const frame = JSON.parse(event.data) as LiveRunEvent;
        toRun(frame.run.id, { kind: "event", event: frame });
      });
      source.addEventListener("run", (event) => {
        track(event);
        const run = JSON.parse(event.data) as WireRun;
        toRun(run.id, { kind: "run", run });
      });
      source.addEventListener("run-end", (event) => {
        track(event);
        // An ended run sends nothing more; a card mounting later reads its whole view.
        const { runId } = JSON.parse(event.data) as ThreadRunEnd;
        const entry = runs.current.get(runId);
        setTimeout(() => {
          if (runs.current.get(runId) === entry) runs.current.delete(runId);
        }, ENDED_KEPT_MS);
      });
      source.addEventListener("ready", track);
      source.addEventListener("message", (event) => {
        track(event);
        const { message } = JSON.parse(event.data) as ThreadMessageFrame;
        if (busyRef.current) waiting.current.push(message);
        else applyMessages([message]);
      });
      // The browser reconnects on its own (with Last-Event-ID); a refused stream (429, 404
      // after a restart) it gives up on: open it again a little later, from the last cursor.
      source.onerror = () => {
        if (stopped || source?.readyState !== EventSource.CLOSED) return;
        reopen = setTimeout(open, Math.min(REOPEN_MS * 2 ** refused, REOPEN_MAX_MS));
        refused += 1;
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(reopen);
      source?.close();
    };
  }, [enabled, threadId, runOf, applyMessages]);

  const subscribeRun = useCallback(
    (runId: string, listener: RunListener) => {
      const entry = runOf(runId);
      for (const frame of entry.frames) listener(frame);
      entry.listeners.add(listener);
      return () => {
        entry.listeners.delete(listener);
      };
    },
    [runOf],
  );

  const value = useMemo(() => (enabled ? { subscribeRun } : null), [enabled, subscribeRun]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
