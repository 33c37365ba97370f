"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from "ai";
import { useRouter } from "next/navigation";
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import { answeredApprovals, closeUnansweredApprovals } from "@/lib/ai/approvals";
import { isWorkflowPost } from "@/lib/ai/model-history";
import { regenerableReply } from "@/lib/ai/regenerate";
import type { ChatMessage } from "@/lib/ai/types";
import { AppError } from "@/lib/errors";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";
import { Composer } from "./composer";
import { MessageView } from "./message-view";
import { PlanCardsProvider } from "./plan/plan-cards-context";
import { ThreadLiveProvider } from "./run/live-provider";
import { OpenRunsProvider } from "./run/open-runs";
import { PersonZoneProvider } from "./run/run-time";
import { OlderMessages, runCardLayout } from "./thread-paging";

export type ModelStatus =
  | {
      configured: true;
      model?: string;
      /** The header's label ("Model: <id>", "Demo model") and its longer tooltip. */
      label?: string;
      title?: string;
    }
  | { configured: false; help: string };

type Props = {
  id: string;
  title?: string;
  initialMessages: ChatMessage[];
  model: ModelStatus;
  isNew?: boolean;
  /** Plan cards of this thread, as the server has them now (so a reload shows their state). */
  planCards?: Record<string, PlanCardData>;
  /** The thread's live sequence as the page read it (its live stream starts after it). */
  liveSeq?: number;
  /** The page before `initialMessages` (GET /api/threads/:id/messages?before=), null at the start. */
  olderCursor?: string | null;
  /** The person's time zone (their setting); the browser's when not set. */
  timeZone?: string;
  /** Text the composer starts with (the Templates page's "Use this template"). */
  initialInput?: string;
};

/**
 * Unsent text by thread. The first reply of a new chat ends with the page becoming the saved
 * thread's page, which mounts a fresh Chat: what the person typed meanwhile must survive that.
 */
const unsentDrafts = new Map<string, string>();

/**
 * A failed reply by thread, for the same page swap: the first message of a new chat that got
 * an error (no model configured, the model server down) must still show it, with Retry, on
 * the saved thread's page, whose fresh useChat has no error of its own. Kept in the tab's
 * sessionStorage, since the swap may load the page anew, and announced to mounted chats,
 * since it may also come before the error does.
 */
const carriedKey = (threadId: string) => `flowchat:reply-error:${threadId}`;
const carriedListeners = new Set<() => void>();
function readCarriedError(threadId: string): string | undefined {
  try {
    return window.sessionStorage.getItem(carriedKey(threadId)) ?? undefined;
  } catch {
    return undefined;
  }
}
function setCarriedError(threadId: string, text: string | undefined) {
  if (text === readCarriedError(threadId)) return;
  try {
    if (text === undefined) window.sessionStorage.removeItem(carriedKey(threadId));
    else window.sessionStorage.setItem(carriedKey(threadId), text);
  } catch {
    // Storage refused (private mode, quota): the error shows only where it happened.
  }
  for (const listener of carriedListeners) listener();
}
function subscribeCarried(listener: () => void) {
  carriedListeners.add(listener);
  return () => {
    carriedListeners.delete(listener);
  };
}

/** The browser's time zone, for the model when the person has not set one. */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The newest messages always render fully; older ones only when near the viewport. */
const FULLY_RENDERED = 12;

/** Each is a template's request (lib/templates), so the demo model plans it too. */
const examples = [
  "Every weekday at 7:30, fetch my team's open incidents, summarize them and post the summary here.",
  "Every morning at 8:00, post the new items of a blog's RSS feed here, without repeats.",
  "Check our status page every 15 minutes and alert me here when it is down, until I acknowledge.",
];

function describeError(error: Error): string {
  try {
    const parsed = AppError.fromJSON(JSON.parse(error.message));
    if (parsed) return parsed.message;
  } catch {
    // not a JSON error body
  }
  return error.message || "Something went wrong. Try again.";
}

export function Chat({
  id,
  title,
  initialMessages,
  model,
  isNew,
  planCards,
  olderCursor = null,
  timeZone,
  liveSeq,
  initialInput,
}: Props) {
  const router = useRouter();
  const [input, setInputState] = useState(() => unsentDrafts.get(id) ?? initialInput ?? "");
  const setInput = (value: string) => {
    unsentDrafts.set(id, value);
    setInputState(value);
  };
  const bottomRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const {
    messages,
    setMessages,
    sendMessage,
    status,
    stop,
    regenerate,
    error,
    clearError,
    addToolApprovalResponse,
  } = useChat<ChatMessage>({
    id,
    messages: initialMessages,
    transport: new DefaultChatTransport({
      api: "/api/chat",
      // The server keeps the history; send only what changed. An answered confirmation
      // sends only its id and the decision: the server has the call itself.
      prepareSendMessagesRequest: ({ id: threadId, messages: all, trigger, messageId }) => {
        const timezone = browserTimeZone();
        const approvals =
          trigger === "submit-message" ? answeredApprovals(all, messageId) : undefined;
        if (approvals) {
          return { body: { trigger: "approval-response", id: threadId, approvals, timezone } };
        }
        return trigger === "submit-message"
          ? { body: { trigger, id: threadId, message: all[all.length - 1], timezone } }
          : { body: { trigger, id: threadId, messageId, timezone } };
      },
    }),
    // Once every card of the reply is answered, the reply continues on the server. What
    // workflows posted meanwhile does not count as the reply.
    sendAutomaticallyWhen: ({ messages: all }) =>
      lastAssistantMessageIsCompleteWithApprovalResponses({
        messages: all.filter((m) => !isWorkflowPost(m)),
      }),
    // Refresh the sidebar (titles, order). After Stop the reply is still being saved, and a
    // refresh now would reload the thread without it.
    onFinish: ({ isAbort }) => {
      if (!isAbort) router.refresh();
    },
    onError: (failure) => {
      if (isNew) setCarriedError(id, describeError(failure));
      router.refresh();
    },
  });
  const carriedError = useSyncExternalStore(
    subscribeCarried,
    () => readCarriedError(id),
    () => undefined,
  );
  // The thread's page forgets it when the person leaves, so it does not come back later.
  useEffect(
    () => () => {
      if (!isNew) setCarriedError(id, undefined);
    },
    [id, isNew],
  );
  const errorText = error ? describeError(error) : carriedError;
  function clearErrors() {
    clearError();
    setCarriedError(id, undefined);
  }

  const busy = status === "submitted" || status === "streaming";

  // Follow the end of the thread as it grows; older pages coming in above do not scroll.
  const last = messages.at(-1);
  const lastKey = `${last?.id}:${last?.parts.length}:${JSON.stringify(last?.parts.at(-1) ?? "").length}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the end changes
  useEffect(() => {
    bottomRef.current?.scrollIntoView({ block: "end" });
  }, [lastKey, status]);

  // Older messages paged in above keep what the person is reading where it is.
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const firstId = messages[0]?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when older messages arrive
  useLayoutEffect(() => {
    const box = scrollRef.current;
    const kept = anchor.current;
    if (!box || !kept) return;
    anchor.current = null;
    box.scrollTop = kept.top + (box.scrollHeight - kept.height);
  }, [firstId]);
  const prependOlder = useCallback(
    (older: ChatMessage[]) => {
      const box = scrollRef.current;
      if (box) anchor.current = { height: box.scrollHeight, top: box.scrollTop };
      setMessages((all) => {
        const known = new Set(all.map((m) => m.id));
        return [...older.filter((m) => !known.has(m.id)), ...all];
      });
    },
    [setMessages],
  );
  function send(text: string) {
    clearErrors();
    if (isNew && messages.length === 0) window.history.replaceState({}, "", `/chat/${id}`);
    // A new message instead of an answer leaves a waiting card unconfirmed (the server does the
    // same to its copy), so it shows that rather than buttons that no longer work.
    const closed = new Map(closeUnansweredApprovals(messages).map((m) => [m.id, m]));
    if (closed.size > 0) setMessages((all) => all.map((m) => closed.get(m.id) ?? m));
    void sendMessage({ text });
    setInput("");
  }

  // Regenerate replaces the assistant's last text reply only; plans, runs and posts stay.
  const reply = regenerableReply(messages);
  function regenerateReply(target: ChatMessage) {
    clearErrors();
    // Posts that arrived after the reply stay where they are: the reply moves last, so the
    // client drops only it, as the server does.
    setMessages((all) => [...all.filter((m) => m.id !== target.id), target]);
    void regenerate({ messageId: target.id });
  }

  const layout = runCardLayout(messages);

  return (
    <PersonZoneProvider zone={timeZone}>
      <OpenRunsProvider>
        <PlanCardsProvider
          initial={planCards}
          onMessage={(message) =>
            setMessages((all) => (all.some((m) => m.id === message.id) ? all : [...all, message]))
          }
        >
          <ThreadLiveProvider threadId={id} liveSeq={liveSeq} busy={busy} setMessages={setMessages}>
            <div className="flex h-full flex-col">
              <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 dark:border-zinc-800">
                <h1 className="min-w-0 truncate text-sm font-medium" data-testid="thread-title">
                  {title ?? "New chat"}
                </h1>
                {model.configured && model.model ? (
                  <span
                    className="ml-auto max-w-[50%] shrink-0 truncate pl-3 text-xs text-zinc-500 dark:text-zinc-400"
                    title={model.title}
                    data-testid="model-label"
                  >
                    {model.label ?? `Model: ${model.model}`}
                  </span>
                ) : null}
              </header>

              <div ref={scrollRef} className="flex-1 overflow-y-auto" data-testid="messages">
                <div className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6">
                  <OlderMessages
                    threadId={id}
                    initialCursor={olderCursor}
                    scrollRoot={scrollRef}
                    onLoaded={prependOlder}
                  />
                  {!model.configured ? (
                    <div
                      role="status"
                      className="rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
                      data-testid="model-not-configured"
                    >
                      {model.help}
                    </div>
                  ) : null}

                  {messages.length === 0 ? (
                    <div className="mt-16 text-center" data-testid="empty-state">
                      <h2 className="text-xl font-semibold">What should Flowchat automate?</h2>
                      <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">
                        Describe it in plain words. You will review the plan before anything runs.
                      </p>
                      <div className="mt-6 grid gap-2">
                        {examples.map((example) => (
                          <button
                            key={example}
                            type="button"
                            disabled={busy}
                            onClick={() => send(example)}
                            className="rounded-xl border border-zinc-200 px-4 py-3 text-left text-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-blue-500 disabled:opacity-60 dark:border-zinc-800 dark:hover:bg-zinc-900"
                            data-testid="example-prompt"
                          >
                            {example}
                          </button>
                        ))}
                      </div>
                      <p className="mt-4 text-sm text-zinc-500 dark:text-zinc-400">
                        Or start from a template:{" "}
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => send("Show me templates")}
                          className="rounded font-medium text-zinc-900 underline underline-offset-2 focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-zinc-100"
                          data-testid="show-templates"
                        >
                          show me templates
                        </button>
                      </p>
                    </div>
                  ) : null}

                  {messages.map((message, index) => (
                    // Older messages out of view are not laid out or painted, so a long thread
                    // stays light; the newest ones render fully (their cards' popovers are not
                    // clipped by the containment this implies).
                    <div
                      key={message.id}
                      className={[
                        // A run's posts read as one block under its header.
                        layout.joined[index] ? "-mt-6" : "",
                        index < messages.length - FULLY_RENDERED
                          ? "[contain-intrinsic-size:auto_64px] [content-visibility:auto]"
                          : "",
                      ].join(" ")}
                    >
                      <MessageView
                        message={message}
                        showHeader={layout.headers[index]}
                        collapsible={layout.collapsible[index]}
                        streaming={
                          status === "streaming" && message.id === messages[messages.length - 1]?.id
                        }
                        busy={busy}
                        onSend={send}
                        onDecide={(approvalId, approved) => {
                          clearErrors();
                          void addToolApprovalResponse({ id: approvalId, approved });
                        }}
                        onRegenerate={
                          !busy && message.id === reply?.id
                            ? () => regenerateReply(message)
                            : undefined
                        }
                      />
                    </div>
                  ))}

                  {status === "submitted" ? (
                    <div
                      className="text-sm text-zinc-500 dark:text-zinc-400"
                      data-testid="thinking"
                    >
                      <span className="inline-block animate-pulse">Thinking…</span>
                    </div>
                  ) : null}

                  {errorText ? (
                    <div
                      role="alert"
                      className="flex items-start justify-between gap-4 rounded-xl border border-red-300 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
                      data-testid="chat-error"
                    >
                      <span>{errorText}</span>
                      <button
                        type="button"
                        className="shrink-0 font-medium underline"
                        data-testid="chat-retry"
                        onClick={() => {
                          if (reply) return regenerateReply(reply);
                          clearErrors();
                          void regenerate();
                        }}
                      >
                        Retry
                      </button>
                    </div>
                  ) : null}
                  <div ref={bottomRef} />
                </div>
              </div>

              <Composer
                draftKey={id}
                value={input}
                onChange={setInput}
                onSubmit={() => send(input)}
                onStop={stop}
                busy={busy}
              />
            </div>
          </ThreadLiveProvider>
        </PlanCardsProvider>
      </OpenRunsProvider>
    </PersonZoneProvider>
  );
}
