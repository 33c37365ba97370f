"use client";

// The plan cards' shared state: each card's data by version id, seeded by the server for a
// thread's existing cards and fetched for cards that stream in. A decision on one version
// changes its siblings (approving v2 supersedes v1), so the store refreshes every loaded card
// of the same workflow after one.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { ChatMessage } from "@/lib/ai/types";
import type { PlanCardData } from "@/lib/workflows/plan-card-types";
import { fetchPlanCard } from "./plan-api";

type Entry = { card?: PlanCardData; error?: string };

interface PlanCardsStore {
  entries: Record<string, Entry>;
  load(workflowId: string, versionId: string): void;
  put(card: PlanCardData): void;
  refreshWorkflow(workflowId: string): Promise<void>;
  /** Appends a message to the thread (the person's saved edit). */
  appendMessage(message: ChatMessage): void;
}

const Context = createContext<PlanCardsStore | null>(null);

export function PlanCardsProvider({
  initial,
  onMessage,
  children,
}: {
  initial?: Record<string, PlanCardData>;
  onMessage: (message: ChatMessage) => void;
  children: ReactNode;
}) {
  const [entries, setEntries] = useState<Record<string, Entry>>(() =>
    Object.fromEntries(Object.entries(initial ?? {}).map(([id, card]) => [id, { card }])),
  );
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const inFlight = useRef(new Set<string>());

  const fetchInto = useCallback(async (workflowId: string, versionId: string) => {
    if (inFlight.current.has(versionId)) return;
    inFlight.current.add(versionId);
    try {
      const card = await fetchPlanCard(workflowId, versionId);
      setEntries((all) => ({ ...all, [versionId]: { card } }));
    } catch (error) {
      const message = error instanceof Error ? error.message : "Could not load this plan.";
      setEntries((all) => ({ ...all, [versionId]: { ...all[versionId], error: message } }));
    } finally {
      inFlight.current.delete(versionId);
    }
  }, []);

  const load = useCallback(
    (workflowId: string, versionId: string) => {
      if (entriesRef.current[versionId]) return;
      void fetchInto(workflowId, versionId);
    },
    [fetchInto],
  );

  const put = useCallback((card: PlanCardData) => {
    setEntries((all) => ({ ...all, [card.version.id]: { card } }));
  }, []);

  const refreshWorkflow = useCallback(
    async (workflowId: string) => {
      const siblings = Object.values(entriesRef.current)
        .map((entry) => entry.card)
        .filter((card): card is PlanCardData => card?.workflow.id === workflowId);
      await Promise.all(siblings.map((card) => fetchInto(workflowId, card.version.id)));
    },
    [fetchInto],
  );

  const onMessageRef = useRef(onMessage);
  onMessageRef.current = onMessage;
  const appendMessage = useCallback((message: ChatMessage) => onMessageRef.current(message), []);

  const store = useMemo(
    () => ({ entries, load, put, refreshWorkflow, appendMessage }),
    [entries, load, put, refreshWorkflow, appendMessage],
  );
  return <Context.Provider value={store}>{children}</Context.Provider>;
}

export function usePlanCards(): PlanCardsStore {
  const store = useContext(Context);
  if (!store) throw new Error("usePlanCards needs a PlanCardsProvider");
  return store;
}

/** One card's data, loaded on first use. */
export function usePlanCard(workflowId: string, versionId: string): Entry {
  const { entries, load } = usePlanCards();
  useEffect(() => {
    load(workflowId, versionId);
  }, [load, workflowId, versionId]);
  return entries[versionId] ?? {};
}
