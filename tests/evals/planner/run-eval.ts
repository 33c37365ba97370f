// The evaluation run: every case of the corpus, K times, through the harness against one model;
// graded, summed up (pass@1, pass^K, repairs, tokens, latency) and the prompt budget measured
// from what was really sent. Used by the CLI (cli.ts) and by the CI test (recorded mode).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { LanguageModel } from "ai";
import type { Reply } from "@/lib/demo-model/types";
import { type CheckResult, grade } from "./graders";
import type { CaseRun, EvalCase, Harness, TurnMetrics } from "./harness";

export interface RunReport {
  ok: boolean;
  failing?: { check: string; detail: string };
  checks: CheckResult[];
  metrics: TurnMetrics;
  /** The plan's title, or the first words of the reply. */
  answer: string;
}

export interface CaseReport {
  id: string;
  level: EvalCase["level"];
  runs: RunReport[];
  passes: number;
}

export interface PromptBudget {
  /** Bytes of the system prompt (instructions) of the first model request. */
  systemPromptBytes: number;
  /** Bytes of the tool definitions (names, descriptions, JSON schemas) sent with it. */
  toolSchemaBytes: number;
  tools: number;
  /** Bytes of the instructions' MCP tool list (the connected servers' tools). */
  mcpSectionBytes: number;
}

export interface EvalReport {
  model: string;
  baseURL: string;
  repeat: number;
  startedAt: string;
  durationMs: number;
  prompt?: PromptBudget;
  cases: CaseReport[];
  summary: {
    cases: number;
    /** Mean share of passing runs per case (pass@1 estimated from K runs). */
    passAt1: number;
    /** Share of cases whose K runs all passed. */
    passHatK: number;
    repairs: number;
    inputTokens: number;
    outputTokens: number;
    latencyP50Ms: number;
    latencyP95Ms: number;
  };
}

export type Progress =
  | { type: "case-start"; index: number; total: number; id: string; repeat: number }
  | { type: "case-end"; index: number; total: number; id: string; run: RunReport };

/** Turns a run's outcome into the report's line. */
function toRunReport(evalCase: EvalCase, outcome: CaseRun, now: Date) {
  const graded = grade(evalCase.expect, outcome.attempt, { now });
  const answer =
    outcome.attempt.plan?.title ??
    (outcome.attempt.error ? `error: ${outcome.attempt.error}` : outcome.attempt.text)
      .replace(/\s+/g, " ")
      .slice(0, 60);
  return {
    ok: graded.ok,
    failing: graded.failing && { check: graded.failing.name, detail: graded.failing.detail },
    checks: graded.results,
    metrics: outcome.metrics,
    answer,
  } satisfies RunReport;
}

export async function runEval({
  harness,
  model,
  modelId,
  baseURL,
  cases,
  repeat = 1,
  beforeRun,
  onProgress,
  onRun,
  measured,
}: {
  harness: Harness;
  model: LanguageModel;
  modelId: string;
  baseURL: string;
  cases: EvalCase[];
  repeat?: number;
  /** Called before each run (the replay queues the case's recorded replies here). */
  beforeRun?: (evalCase: EvalCase, now: Date) => void | Promise<void>;
  onProgress?: (event: Progress) => void;
  /** Every run's raw outcome (the CLI's --record keeps its replies). */
  onRun?: (evalCase: EvalCase, run: CaseRun, repeat: number) => void;
  /** The prompt budget of the first request, once known. */
  measured?: () => PromptBudget | undefined;
}): Promise<EvalReport> {
  const started = Date.now();
  const reports: CaseReport[] = [];
  for (const [index, evalCase] of cases.entries()) {
    const runs: RunReport[] = [];
    for (let k = 0; k < repeat; k++) {
      onProgress?.({ type: "case-start", index, total: cases.length, id: evalCase.id, repeat: k });
      const now = new Date();
      await beforeRun?.(evalCase, now);
      const outcome = await harness.runCase(evalCase, model, now);
      onRun?.(evalCase, outcome, k);
      const run = toRunReport(evalCase, outcome, now);
      runs.push(run);
      onProgress?.({ type: "case-end", index, total: cases.length, id: evalCase.id, run });
    }
    reports.push({
      id: evalCase.id,
      level: evalCase.level,
      runs,
      passes: runs.filter((r) => r.ok).length,
    });
  }
  const all = reports.flatMap((r) => r.runs);
  const latencies = all.map((r) => r.metrics.latencyMs).sort((a, b) => a - b);
  const quantile = (q: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    model: modelId,
    baseURL,
    repeat,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    prompt: measured?.(),
    cases: reports,
    summary: {
      cases: reports.length,
      passAt1:
        reports.length === 0
          ? 0
          : reports.reduce((n, r) => n + r.passes / repeat, 0) / reports.length,
      passHatK:
        reports.length === 0
          ? 0
          : reports.filter((r) => r.passes === repeat).length / reports.length,
      repairs: all.reduce((n, r) => n + r.metrics.repairs, 0),
      inputTokens: all.reduce((n, r) => n + r.metrics.inputTokens, 0),
      outputTokens: all.reduce((n, r) => n + r.metrics.outputTokens, 0),
      latencyP50Ms: Math.round(quantile(0.5)),
      latencyP95Ms: Math.round(quantile(0.95)),
    },
  };
}

/** A recorded answer of a model to one case: the replies the replay server sends in order. */
export interface Recording {
  id: string;
  source?: string;
  replies: Reply[];
  /** In the deliberately wrong set: the check that must fail (null: the case must pass). */
  expectFailing?: string | null;
  expectRepairs?: number;
}

export const RECORDED_DIR = path.join(import.meta.dirname, "recorded");

export function readRecording(dir: string, id: string): Recording | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, `${id}.json`), "utf8")) as Recording;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Placeholders of recorded replies: `{fixtures}` and `{workflow:Title}` (harness.expand), and
 * times relative to the run, `{in:20m}` (an instant with its offset) and `{tomorrow:09:00}`
 * (a local date-time), both in `timezone`.
 */
export function expandRecorded(
  text: string,
  { harness, now, timezone }: { harness: Harness; now: Date; timezone: string },
  localIsoString: (ms: number, zone: string) => string,
): string {
  return harness
    .expand(text)
    .replace(/\{in:(\d+)m\}/g, (_, minutes: string) =>
      localIsoString(now.getTime() + Number(minutes) * 60_000, timezone).slice(0, 19),
    )
    .replace(/\{tomorrow:(\d{2}:\d{2})\}/g, (_, time: string) => {
      const today = localIsoString(now.getTime() + 24 * 3600_000, timezone).slice(0, 10);
      return `${today}T${time}`;
    });
}

/** Table lines for people: one per case, then the summary and the prompt budget. */
export function formatReport(report: EvalReport): string[] {
  const lines: string[] = [];
  const idWidth = Math.max(...report.cases.map((c) => c.id.length), 4);
  lines.push(
    `${"case".padEnd(idWidth)}  level       result  repairs  tokens in/out   latency  failing check`,
  );
  for (const c of report.cases) {
    const first = c.runs[0];
    const failing = c.runs.find((r) => !r.ok)?.failing;
    const result = report.repeat > 1 ? `${c.passes}/${report.repeat}` : first?.ok ? "pass" : "FAIL";
    const repairs = c.runs.reduce((n, r) => n + r.metrics.repairs, 0);
    const tokensIn = c.runs.reduce((n, r) => n + r.metrics.inputTokens, 0);
    const tokensOut = c.runs.reduce((n, r) => n + r.metrics.outputTokens, 0);
    const latency =
      c.runs.reduce((n, r) => n + r.metrics.latencyMs, 0) / Math.max(1, c.runs.length);
    lines.push(
      [
        c.id.padEnd(idWidth),
        c.level.padEnd(10),
        result.padEnd(6),
        String(repairs).padStart(7),
        `${tokensIn}/${tokensOut}`.padStart(14),
        `${(latency / 1000).toFixed(1)} s`.padStart(8),
        failing ? ` ${failing.check}: ${failing.detail}` : "",
      ].join("  "),
    );
  }
  const s = report.summary;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  lines.push("");
  lines.push(
    `${report.model} @ ${report.baseURL}: ${s.cases} cases × ${report.repeat}, pass@1 ${pct(s.passAt1)}, pass^${report.repeat} ${pct(s.passHatK)}, repairs ${s.repairs}, tokens ${s.inputTokens} in / ${s.outputTokens} out, latency p50 ${(s.latencyP50Ms / 1000).toFixed(1)} s p95 ${(s.latencyP95Ms / 1000).toFixed(1)} s, took ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  const byLevel = new Map<string, { n: number; pass: number }>();
  for (const c of report.cases) {
    const entry = byLevel.get(c.level) ?? { n: 0, pass: 0 };
    entry.n += 1;
    entry.pass += c.passes / report.repeat;
    byLevel.set(c.level, entry);
  }
  lines.push(
    `by level: ${[...byLevel].map(([level, { n, pass }]) => `${level} ${pass.toFixed(pass % 1 ? 1 : 0)}/${n}`).join(", ")}`,
  );
  if (report.prompt) {
    const p = report.prompt;
    lines.push(
      `prompt budget: system prompt ${p.systemPromptBytes} B (MCP tool list ${p.mcpSectionBytes} B) + ${p.tools} tool schemas ${p.toolSchemaBytes} B = ${p.systemPromptBytes + p.toolSchemaBytes} B per request`,
    );
  }
  return lines;
}
