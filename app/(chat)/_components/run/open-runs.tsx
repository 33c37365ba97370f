"use client";

// Which run cards of the thread are open. A finished run's card renders collapsed from what its
// message stores (no read of the run) until the person opens it; a post's header opens its
// run's card and scrolls to it.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";

type OpenRuns = {
  isOpen(runId: string): boolean;
  setOpen(runId: string, open: boolean): void;
  /** Opens the run's card in the thread and scrolls to it; false when it is not loaded. */
  reveal(runId: string): boolean;
};

const Context = createContext<OpenRuns | null>(null);

export const runCardAnchor = (runId: string) => `run-${runId}`;

export function OpenRunsProvider({ children }: { children: ReactNode }) {
  const [open, setOpenState] = useState<ReadonlySet<string>>(new Set());
  const setOpen = useCallback((runId: string, value: boolean) => {
    setOpenState((current) => {
      if (current.has(runId) === value) return current;
      const next = new Set(current);
      if (value) next.add(runId);
      else next.delete(runId);
      return next;
    });
  }, []);
  const reveal = useCallback(
    (runId: string) => {
      const element = document.getElementById(runCardAnchor(runId));
      if (!element) return false;
      setOpen(runId, true);
      element.scrollIntoView({ block: "start", behavior: "smooth" });
      element.focus({ preventScroll: true });
      return true;
    },
    [setOpen],
  );
  const value = useMemo(
    () => ({ isOpen: (runId: string) => open.has(runId), setOpen, reveal }),
    [open, setOpen, reveal],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The thread's open cards, or null outside a thread page (a run's own page). */
export function useOpenRunsIfAny(): OpenRuns | null {
  return useContext(Context);
}

export function useOpenRuns(): OpenRuns {
  const value = useContext(Context);
  if (!value) throw new Error("useOpenRuns needs an OpenRunsProvider");
  return value;
}
