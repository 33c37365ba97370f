"use client";

// The run as a waterfall (Inngest's trace view): one row per step, each attempt a bar at its
// start offset and as long as it took, on one time axis. Hovering, focusing or tapping a bar
// shows its exact times in the person's zone below the chart (never clipped at 390 px).
import { useState } from "react";
import { formatDuration } from "@/lib/format/duration";
import { formatClock } from "@/lib/format/time";
import { type Timeline, type WaterfallBar, waterfallBars } from "@/lib/runs/timeline";
import { solidTone, stateLabel } from "./state-style";

const TICKS = [0, 0.25, 0.5, 0.75, 1];

function barLabel(bar: WaterfallBar, title: string) {
  const item = bar.unitId.includes("#") ? ` item ${Number(bar.unitId.split("#")[1]) + 1}` : "";
  const attempt = bar.attempt > 0 ? `, attempt ${bar.attempt}` : "";
  return `${title}${item}${attempt}`;
}

function Details({ bar, title }: { bar: WaterfallBar; title: string }) {
  return (
    <p className="flex flex-wrap gap-x-3 gap-y-0.5" data-testid="waterfall-details">
      <span className="font-medium">{barLabel(bar, title)}</span>
      <span>{stateLabel[bar.state]}</span>
      <span>
        started {formatClock(bar.startedAt, { ms: true })}
        {bar.finishedAt ? ` · ended ${formatClock(bar.finishedAt, { ms: true })}` : ""}
      </span>
      <span>{formatDuration(bar.durationMs)}</span>
      {bar.retryGapMs > 0 ? <span>next try after {formatDuration(bar.retryGapMs)}</span> : null}
    </p>
  );
}

export function Waterfall({ timeline }: { timeline: Timeline }) {
  const [active, setActive] = useState<string | null>(null);
  const rows = waterfallBars(timeline);
  const axis = timeline.axis;
  if (!axis)
    return <p className="px-4 py-3 text-zinc-500 dark:text-zinc-400">The run has not started.</p>;
  const span = Math.max(1, axis.end - axis.start);
  const pct = (ms: number) => `${Math.min(100, (ms / span) * 100)}%`;
  const found = rows.flatMap((r) => r.bars.map((bar) => ({ bar, title: r.step.label })));
  const selected = found.find((f) => f.bar.key === active);

  return (
    <div className="px-3 py-2 sm:px-4" data-testid="run-waterfall">
      <div className="grid grid-cols-[minmax(0,6.5rem)_1fr] gap-x-2 sm:grid-cols-[minmax(0,11rem)_1fr]">
        <span />
        <div
          className="relative h-4 text-[10px] tabular-nums text-zinc-500 dark:text-zinc-400"
          aria-hidden
        >
          {TICKS.map((t) => (
            <span
              key={t}
              // At phone width the quarter marks would crowd the labels beside them.
              className={`absolute top-0 whitespace-nowrap ${t === 0.25 || t === 0.75 ? "hidden sm:block" : ""}`}
              style={
                t === 1
                  ? { right: 0 }
                  : { left: `${t * 100}%`, transform: t === 0 ? undefined : "translateX(-50%)" }
              }
            >
              {formatDuration(span * t)}
            </span>
          ))}
        </div>
        {rows.map(({ step, bars }) => (
          <div key={step.step.id} className="contents" data-testid="waterfall-row">
            <span
              className="truncate py-1 text-xs text-zinc-600 dark:text-zinc-300"
              title={step.label}
            >
              {step.label}
            </span>
            <div className="relative my-1 h-4 rounded-sm bg-zinc-50 dark:bg-zinc-900">
              {TICKS.slice(1, -1).map((t) => (
                <span
                  key={t}
                  aria-hidden
                  className="absolute inset-y-0 w-px bg-zinc-200 dark:bg-zinc-800"
                  style={{ left: `${t * 100}%` }}
                />
              ))}
              {bars.map((bar) => (
                <span key={bar.key}>
                  {bar.retryGapMs > 0 ? (
                    <span
                      aria-hidden
                      className="absolute top-1/2 h-0 border-t border-dashed border-orange-400"
                      style={{
                        left: pct(bar.offsetMs + bar.durationMs),
                        width: pct(bar.retryGapMs),
                      }}
                    />
                  ) : null}
                  <button
                    type="button"
                    className={`absolute inset-y-0.5 min-w-1 rounded-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-500 ${solidTone[bar.state]} ${
                      active === bar.key ? "ring-2 ring-zinc-900 dark:ring-white" : ""
                    } ${bar.state === "skipped" ? "opacity-60" : ""}`}
                    style={{ left: pct(bar.offsetMs), width: pct(bar.durationMs) }}
                    aria-label={`${barLabel(bar, step.label)}: ${stateLabel[bar.state]}, ${formatDuration(bar.durationMs)}, started ${formatClock(bar.startedAt, { seconds: true })}`}
                    onMouseEnter={() => setActive(bar.key)}
                    onFocus={() => setActive(bar.key)}
                    onClick={() => setActive(bar.key)}
                    data-testid="waterfall-bar"
                    data-state={bar.state}
                    data-step={bar.stepId}
                  />
                </span>
              ))}
            </div>
          </div>
        ))}
      </div>
      <div className="mt-2 min-h-10 rounded-lg bg-zinc-50 px-2 py-1.5 text-xs text-zinc-600 dark:bg-zinc-900 dark:text-zinc-300">
        {selected ? (
          <Details bar={selected.bar} title={selected.title} />
        ) : (
          <p className="text-zinc-500 dark:text-zinc-400">
            Hover, tap or focus a bar for its exact times.
          </p>
        )}
      </div>
    </div>
  );
}
