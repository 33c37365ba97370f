"use client";

// The run on the plan's own graph (plan-graph.tsx), each step coloured by its state, so a
// person sees where a branch stopped.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Plan, PlanStep } from "@/lib/plan/schema";
import type { Timeline } from "@/lib/runs/timeline";
import type { WirePlanStep, WireRunPlan } from "@/lib/runs/wire";
import { type NodeState, PlanGraph } from "../../plan/plan-graph";
import { nodeTone, stateLabel } from "./state-style";

/** The plan's shape as the graph draws it (its steps' ids, edges and control flow). */
function graphStep(step: WirePlanStep): PlanStep {
  return {
    id: step.id,
    action: step.action,
    ...(step.title ? { title: step.title } : {}),
    ...(step.after.length > 0 ? { after: step.after } : {}),
    ...(step.condition ? { if: step.condition } : {}),
    ...(step.loop ? { forEach: "items", maxItems: 1 } : {}),
    ...(step.attempts > 1 ? { retry: { attempts: step.attempts } } : {}),
    ...(step.onError === "continue" ? { onError: "continue" as const } : {}),
  };
}

export function graphPlan(plan: WireRunPlan): Plan {
  const main = plan.steps.filter((s) => s.phase === "main").map(graphStep);
  const onFailure = plan.steps.filter((s) => s.phase === "onFailure").map(graphStep);
  return {
    version: 1,
    title: plan.title,
    trigger: { type: "manual" },
    steps: main,
    ...(onFailure.length > 0 ? { onFailure } : {}),
  };
}

export function RunGraph({
  plan,
  timeline,
  trigger,
}: {
  plan: WireRunPlan;
  timeline: Timeline;
  trigger: string;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const shape = useMemo(() => graphPlan(plan), [plan]);
  const states = useMemo(() => {
    const out: Record<string, NodeState> = {};
    for (const step of timeline.steps) {
      const items = step.items?.total != null ? ` · ${step.items.settled}/${step.items.total}` : "";
      out[step.step.id] = {
        name: step.state,
        tone: nodeTone[step.state],
        label: `${stateLabel[step.state]}${items}`,
      };
    }
    return out;
  }, [timeline]);
  const chosen = timeline.steps.find((s) => s.step.id === selected);
  // The graph fits itself to its box once, when it mounts: a box that changes width (a phone
  // turned, a window resized) mounts it again, so it fits again.
  const box = useRef<HTMLDivElement>(null);
  const [widthBucket, setWidthBucket] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) =>
      setWidthBucket(Math.round(entry.contentRect.width / 40)),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="space-y-2 px-3 py-2 sm:px-4" data-testid="run-graph">
      <PlanGraph
        key={widthBucket}
        plan={shape}
        phrases={{}}
        actions={{}}
        trigger={trigger}
        selected={selected}
        onSelect={setSelected}
        states={states}
      />
      {chosen ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-300">
          <span className="font-medium">{chosen.label}</span>: {stateLabel[chosen.state]}
          {chosen.reason ? ` (${chosen.reason})` : ""}
          {chosen.error ? ` — ${chosen.error}` : ""}
        </p>
      ) : null}
    </div>
  );
}
