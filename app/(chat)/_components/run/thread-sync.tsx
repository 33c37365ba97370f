"use client";

// What the thread page wraps its messages in: the thread's one live stream (live-provider.tsx),
// which brings what runs write into the thread as it is stored. Cards no longer ask for the
// thread to be read again.
import type { ReactNode } from "react";
import type { ChatMessage } from "@/lib/ai/types";
import { ThreadLiveProvider } from "./live-provider";

export function ThreadSyncProvider({
  threadId,
  liveSeq,
  busy,
  setMessages,
  children,
}: {
  threadId: string;
  liveSeq?: number;
  busy: boolean;
  setMessages: (update: (messages: ChatMessage[]) => ChatMessage[]) => void;
  children: ReactNode;
}) {
  return (
    <ThreadLiveProvider threadId={threadId} liveSeq={liveSeq} busy={busy} setMessages={setMessages}>
      {children}
    </ThreadLiveProvider>
  );
}
