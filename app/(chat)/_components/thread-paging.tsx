"use client";

// A long thread in the browser: it opens with its newest page, and older pages come in as the
// person scrolls up (GET /api/threads/:id/messages?before=). Run cards past the newest few
// render collapsed from their stored outcome, and posts of one run share one header.
//
// Windowing, by design (not a JS virtual list): the page holds only what the person scrolled
// to (the newest page, plus 50 older per scroll), and every message but the newest few is
// `content-visibility: auto` (chat.tsx), so the browser skips layout and paint of all that is
// out of view. A virtual list (absolute positions, measured heights) was rejected: chat rows
// change height as run cards stream, popovers and focus must stay in the DOM, find-in-page and
// screen readers must see the loaded messages, and scroll anchoring on prepend comes for free.
import { type RefObject, useEffect, useRef, useState } from "react";
import { isWorkflowPost } from "@/lib/ai/model-history";
import type { ChatMessage } from "@/lib/ai/types";
import { AppError } from "@/lib/errors";

/** Finished run cards newer than this many stay open; older ones are collapsed until opened. */
const OPEN_RUN_CARDS = 3;

const runOf = (message: ChatMessage) =>
  message.metadata?.workflowRun?.runId ?? message.metadata?.runId;

const isRunCard = (message: ChatMessage) => message.parts.some((p) => p.type === "data-run");

/**
 * Per message: whether it starts its run's group (a post or summary whose run's earlier post
 * is not right above it shows the workflow header; the next ones join it as one block), and
 * whether it is an older run card.
 */
export function runCardLayout(messages: readonly ChatMessage[]) {
  const headers: boolean[] = [];
  const joined: boolean[] = [];
  const collapsible: boolean[] = [];
  let cardsAfter = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    const card = isRunCard(message);
    collapsible[index] = card && cardsAfter >= OPEN_RUN_CARDS;
    if (card) cardsAfter += 1;
    // A run's posts and summary open with the workflow's header, also right below its card
    // (which may be collapsed, or far up once older pages are in); the next ones join it.
    const run = isWorkflowPost(message) ? runOf(message) : undefined;
    const previous = messages[index - 1];
    const follows = Boolean(
      run &&
        previous &&
        isWorkflowPost(previous) &&
        !isRunCard(previous) &&
        runOf(previous) === run,
    );
    headers[index] = Boolean(run) && !card && !follows;
    joined[index] = !card && follows;
  }
  return { headers, joined, collapsible };
}

/**
 * The stored newest page in place of the messages it covers: what was paged in before it
 * stays, what it no longer holds (a regenerated reply) goes.
 */
export function mergeLatestPage(all: ChatMessage[], latest: ChatMessage[]): ChatMessage[] {
  if (latest.length === 0) return all.length === 0 ? all : latest;
  const ids = new Set(latest.map((m) => m.id));
  const firstShared = all.findIndex((m) => ids.has(m.id));
  const older = (firstShared === -1 ? all : all.slice(0, firstShared)).filter(
    (m) => !ids.has(m.id),
  );
  return [...older, ...latest];
}

/** The top of the thread: loads the page before the oldest shown when it scrolls into view. */
export function OlderMessages({
  threadId,
  initialCursor,
  scrollRoot,
  onLoaded,
}: {
  threadId: string;
  initialCursor: string | null;
  scrollRoot: RefObject<HTMLElement | null>;
  onLoaded: (older: ChatMessage[]) => void;
}) {
  const [cursor, setCursor] = useState(initialCursor);
  const [state, setState] = useState<"idle" | "loading" | { error: string }>("idle");
  const sentinel = useRef<HTMLDivElement>(null);
  const loading = useRef(false);

  async function loadOlder() {
    if (!cursor || loading.current) return;
    loading.current = true;
    setState("loading");
    try {
      const response = await fetch(
        `/api/threads/${threadId}/messages?before=${encodeURIComponent(cursor)}&limit=50`,
        { cache: "no-store" },
      );
      const body = await response.json().catch(() => undefined);
      if (!response.ok) {
        setState({ error: AppError.fromJSON(body)?.message ?? "Could not load older messages." });
        return;
      }
      const page = body as { messages: ChatMessage[]; before: string | null };
      onLoaded(page.messages);
      setCursor(page.before);
      setState("idle");
    } catch {
      setState({ error: "Could not load older messages." });
    } finally {
      loading.current = false;
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-arm after each page
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !cursor) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadOlder();
      },
      { root: scrollRoot.current, rootMargin: "600px 0px 0px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor, threadId]);

  if (!cursor) return null;
  return (
    <div ref={sentinel} className="flex justify-center" data-testid="older-messages">
      {typeof state === "object" ? (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {state.error}{" "}
          <button type="button" className="underline" onClick={() => void loadOlder()}>
            Try again
          </button>
        </p>
      ) : (
        <button
          type="button"
          className="rounded-full border border-zinc-200 px-3 py-1 text-xs text-zinc-500 dark:text-zinc-400 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-zinc-500 dark:border-zinc-800 dark:hover:bg-zinc-900"
          onClick={() => void loadOlder()}
          disabled={state === "loading"}
          aria-busy={state === "loading"}
        >
          {state === "loading" ? "Loading earlier messages…" : "Load earlier messages"}
        </button>
      )}
    </div>
  );
}
