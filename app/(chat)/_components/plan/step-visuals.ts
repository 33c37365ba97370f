// How a step looks on the graph: an icon for its action family and badges for its control
// flow (condition, loop, wait, retry, timeout, error policy). Action facts come with the
// card's data: the browser never loads the action catalog (its implementations are
// server-only).

import type { StepExplanation } from "@/lib/plan/explain";
import type { PlanStep } from "@/lib/plan/schema";
import type { CardAction } from "@/lib/workflows/plan-card-types";

/** A short monogram per action family: emoji fonts are missing on many servers and browsers. */
const FAMILIES: Record<string, { mark: string; tone: string }> = {
  http: { mark: "HTTP", tone: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200" },
  ai: { mark: "AI", tone: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200" },
  transform: { mark: "fx", tone: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-200" },
  chat: {
    mark: "Chat",
    tone: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  },
  email: {
    mark: "Mail",
    tone: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  },
  slack: { mark: "Slack", tone: "bg-pink-100 text-pink-800 dark:bg-pink-950 dark:text-pink-200" },
  mcp: {
    mark: "MCP",
    tone: "bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
  },
  store: { mark: "KV", tone: "bg-teal-100 text-teal-800 dark:bg-teal-950 dark:text-teal-200" },
  workflow: { mark: "Flow", tone: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-200" },
  wait: {
    mark: "Wait",
    tone: "bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-200",
  },
};

const UNKNOWN = { mark: "?", tone: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" };

export function actionMark(action: string): { mark: string; tone: string } {
  return FAMILIES[action.split(".")[0]] ?? UNKNOWN;
}

export interface StepBadge {
  label: string;
  title: string;
}

const sentence = (text: string) => text[0].toUpperCase() + text.slice(1);

export function stepBadges(
  step: PlanStep,
  action?: CardAction,
  onFailure = false,
  explanation?: StepExplanation,
): StepBadge[] {
  const badges: StepBadge[] = [];
  if (onFailure) badges.push({ label: "on failure", title: "Runs only if the run fails" });
  if (step.else) {
    badges.push({
      label: "otherwise",
      title: explanation?.else ? sentence(explanation.else.text) : `Runs instead of ${step.else}`,
    });
  }
  if (step.if) {
    badges.push({
      label: "if",
      title: explanation?.if ? sentence(explanation.if.text) : `Only if ${step.if}`,
    });
  }
  if (step.forEach) {
    badges.push({
      label: "for each",
      title: explanation?.forEach
        ? sentence(explanation.forEach.text)
        : `For each of ${step.forEach}`,
    });
  }
  if (action?.kind === "wait")
    badges.push({ label: "wait", title: "Pauses the run until it ends" });
  if (step.retry) {
    badges.push({ label: `retry ×${step.retry.attempts}`, title: "Tries again on failure" });
  }
  if (step.timeout) badges.push({ label: `timeout ${step.timeout}`, title: "Timeout" });
  if (step.onError === "continue") {
    badges.push({ label: "continues on error", title: "A failure does not stop the run" });
  }
  return badges;
}
