"use client";

// The run card's polite live region: a screen reader hears the run start, each step settle or
// wait, and the run end (lib/runs/announce.ts), never the ticking times the card shows.
import { useEffect, useRef, useState } from "react";
import { type RunSnapshot, runAnnouncements } from "@/lib/runs/announce";

/** The newest sentences kept in the region; older ones drop off unannounced. */
const KEPT = 4;

export type Announcement = { key: number; text: string };

export function useRunAnnouncements(snapshot: RunSnapshot | null): Announcement[] {
  const previous = useRef<RunSnapshot | null>(null);
  const [lines, setLines] = useState<Announcement[]>([]);
  const counter = useRef(0);
  // A snapshot is rebuilt on every clock tick; its key changes only with a state.
  const key = snapshot
    ? `${snapshot.status}|${snapshot.steps.map((s) => `${s.id}:${s.state}`).join(",")}`
    : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the snapshot
  useEffect(() => {
    if (!snapshot) return;
    const said = runAnnouncements(previous.current, snapshot);
    previous.current = snapshot;
    if (said.length === 0) return;
    const added = said.map((text) => ({ key: counter.current++, text }));
    setLines((current) => [...current, ...added].slice(-KEPT));
  }, [key]);
  return lines;
}

/**
 * Visually hidden: the card shows the same changes. It is in the page from the card's first
 * render, so that what is added to it is announced (a region added with its text is not).
 */
export function RunAnnouncer({ lines }: { lines: Announcement[] }) {
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="false" data-testid="run-live">
      {/* Each sentence keeps its node: only the added ones are read out. */}
      {lines.map((line) => (
        <p key={line.key}>{line.text}</p>
      ))}
    </div>
  );
}
