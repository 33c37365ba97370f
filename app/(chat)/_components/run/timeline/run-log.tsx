"use client";

// The run's log as the view holds it, newest page first shown, older entries a click away:
// long logs are paged, never cut.
import { useState } from "react";
import { formatClock } from "@/lib/format/time";
import type { WireEvent } from "@/lib/runs/wire";
import { useScrollRegion } from "../../scroll-region";

const PAGE = 200;

export function RunLog({ events }: { events: WireEvent[] }) {
  const [shown, setShown] = useState(PAGE);
  const start = Math.max(0, events.length - shown);
  const visible = events.slice(start);
  const scroller = useScrollRegion<HTMLOListElement>("Run log", { asRegion: false });
  return (
    <div className="border-t border-zinc-200 dark:border-zinc-800" data-testid="run-log">
      {start > 0 ? (
        <button
          type="button"
          className="w-full px-4 py-1.5 text-left text-xs text-zinc-500 dark:text-zinc-400 hover:bg-zinc-50 dark:hover:bg-zinc-900"
          onClick={() => setShown((n) => n + PAGE)}
          data-testid="run-log-earlier"
        >
          Show {Math.min(PAGE, start)} earlier entries ({start} not shown)
        </button>
      ) : null}
      <ol className="max-h-72 overflow-auto px-3 py-2 font-mono text-xs sm:px-4" {...scroller}>
        {visible.map((event) => (
          <li
            key={event.seq}
            className={`break-words ${
              event.level === "error"
                ? "text-red-600 dark:text-red-400"
                : event.level === "warn"
                  ? "text-amber-600 dark:text-amber-400"
                  : ""
            }`}
          >
            <span className="text-zinc-500 dark:text-zinc-400">
              {formatClock(event.at, { seconds: true })}
            </span>{" "}
            {event.stepId ? (
              <span className="text-zinc-500 dark:text-zinc-400">[{event.stepId}] </span>
            ) : null}
            {event.message}
          </li>
        ))}
      </ol>
    </div>
  );
}
