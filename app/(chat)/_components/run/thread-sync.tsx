"use client";

// Runs write into the thread while it is open (their card, chat.post messages, the summary).
// Cards ask for the thread to be read again when their run changes; the stored messages then
// replace the list, unless a reply is streaming (it would be cut off).
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef } from "react";
import type { ChatMessage } from "@/lib/ai/types";

type ThreadSync = { sync(): void };

const Context = createContext<ThreadSync | null>(null);

export function ThreadSyncProvider({
  threadId,
  busy,
  setMessages,
  children,
}: {
  threadId: string;
  busy: boolean;
  setMessages: (messages: ChatMessage[]) => void;
  children: ReactNode;
}) {
  const busyRef = useRef(busy);
  busyRef.current = busy;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const sync = useCallback(() => {
    clearTimeout(timer.current);
    // Many run events arrive together; one read after they settle is enough.
    timer.current = setTimeout(async () => {
      if (busyRef.current) return;
      const response = await fetch(`/api/threads/${threadId}/messages`, { cache: "no-store" });
      if (!response.ok || busyRef.current) return;
      const { messages } = (await response.json()) as { messages: ChatMessage[] };
      setMessages(messages);
    }, 400);
  }, [threadId, setMessages]);

  const value = useMemo(() => ({ sync }), [sync]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useThreadSync(): ThreadSync | null {
  return useContext(Context);
}
