"use client";

// The plan's steps as a list in run order: what a narrow screen shows instead of the graph
// (and anyone may choose), each step with its condition, otherwise branch and loop in words.
import { useMemo } from "react";
import type { StepExplanation } from "@/lib/plan/explain";
import type { Plan, PlanStep } from "@/lib/plan/schema";
import { describeAction, stepLevels } from "@/lib/plan/summary";
import type { CardAction, CardEffect } from "@/lib/workflows/plan-card-types";
import { ActionMark } from "./action-mark";
import { EffectMark, showsEffect } from "./effect-mark";
import { ExplainedLine } from "./explained-line";
import { stepBadges } from "./step-visuals";

type Entry = { step: PlanStep; onFailure: boolean; nodeId: string };

function entries(plan: Plan): Entry[] {
  const main = new Set(plan.steps.map((step) => step.id));
  return [
    ...stepLevels(plan.steps)
      .flat()
      .map((step) => ({ step, onFailure: false, nodeId: step.id })),
    ...(plan.onFailure ?? []).map((step) => ({
      step,
      onFailure: true,
      nodeId: main.has(step.id) ? `${step.id}__onFailure` : step.id,
    })),
  ];
}

function Step({
  entry,
  number,
  phrase,
  explanation,
  action,
  effect,
  selected,
  onSelect,
}: {
  entry: Entry;
  number: number;
  phrase?: string;
  explanation?: StepExplanation;
  action?: CardAction;
  effect?: CardEffect;
  selected: boolean;
  onSelect: (nodeId: string | null) => void;
}) {
  const { step, onFailure } = entry;
  // The words below say the condition and the loop; the badges say the rest.
  const badges = stepBadges(step, action, onFailure).filter(
    (badge) => !["if", "for each", "otherwise", "on failure"].includes(badge.label),
  );
  const withEffect = showsEffect(effect, action?.kind);
  return (
    <li
      className={`rounded-lg border bg-white p-2.5 dark:bg-zinc-900 ${
        selected
          ? "border-blue-500 ring-2 ring-blue-500/30"
          : onFailure
            ? "border-dashed border-red-300 dark:border-red-800"
            : "border-zinc-200 dark:border-zinc-800"
      }`}
      data-testid={`plan-list-step-${step.id}`}
    >
      <button
        type="button"
        onClick={() => onSelect(selected ? null : entry.nodeId)}
        aria-expanded={selected}
        className="flex w-full min-w-0 items-start gap-2 rounded text-left focus-visible:outline-2 focus-visible:outline-blue-500"
      >
        <span className="w-5 shrink-0 text-right font-mono text-[11px] leading-5 text-zinc-500 tabular-nums dark:text-zinc-400">
          {number}.
        </span>
        <span className="flex min-w-0 flex-col gap-0.5">
          <span className="flex min-w-0 items-start gap-1.5 text-sm font-medium">
            <span className="mt-0.5">
              <ActionMark action={step.action} />
            </span>
            <span className="[overflow-wrap:anywhere]">{step.title ?? step.id}</span>
          </span>
          <span className="text-xs text-zinc-500 dark:text-zinc-400 [overflow-wrap:anywhere]">
            {phrase ?? describeAction(step)}
          </span>
        </span>
      </button>
      {explanation?.if ||
      explanation?.else ||
      explanation?.forEach ||
      badges.length > 0 ||
      withEffect ? (
        <div className="mt-1.5 ml-7 flex flex-col gap-1 text-xs text-zinc-700 dark:text-zinc-300">
          {explanation?.else ? <ExplainedLine explained={explanation.else} /> : null}
          {explanation?.if ? <ExplainedLine explained={explanation.if} /> : null}
          {explanation?.forEach ? <ExplainedLine explained={explanation.forEach} /> : null}
          {badges.length > 0 || withEffect ? (
            <div className="flex flex-wrap gap-1">
              {withEffect ? <EffectMark effect={effect} /> : null}
              {badges.map((badge) => (
                <span
                  key={badge.label}
                  title={badge.title}
                  className="rounded bg-zinc-100 px-1 text-[10px] leading-4 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
                >
                  {badge.label}
                </span>
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function PlanStepList({
  plan,
  phrases,
  explanations,
  actions,
  effects,
  selected,
  onSelect,
}: {
  plan: Plan;
  phrases: Record<string, string>;
  explanations: Record<string, StepExplanation>;
  actions: Record<string, CardAction>;
  effects?: Record<string, CardEffect>;
  selected: string | null;
  onSelect: (nodeId: string | null) => void;
}) {
  const list = useMemo(() => entries(plan), [plan]);
  const main = list.filter((entry) => !entry.onFailure);
  const failure = list.filter((entry) => entry.onFailure);
  const render = (entry: Entry, index: number) => (
    <Step
      key={entry.nodeId}
      entry={entry}
      number={index + 1}
      phrase={phrases[entry.step.id]}
      explanation={explanations[entry.step.id]}
      action={actions[entry.step.action]}
      effect={effects?.[entry.step.id]}
      selected={selected === entry.nodeId}
      onSelect={onSelect}
    />
  );
  return (
    <div className="flex flex-col gap-2" data-testid="plan-step-list">
      <ol className="flex flex-col gap-1.5" aria-label="Steps in the order they run">
        {main.map(render)}
      </ol>
      {failure.length > 0 ? (
        <>
          <p className="text-xs font-medium text-red-700 dark:text-red-300">If the run fails:</p>
          <ol className="flex flex-col gap-1.5" aria-label="Steps that run if the run fails">
            {failure.map(render)}
          </ol>
        </>
      ) : null}
    </div>
  );
}
