"use client";

// What a clicked step does: its action, its condition and loop in words, inputs (pretty JSON)
// and control flow.
import type { StepExplanation } from "@/lib/plan/explain";
import { DEFAULT_CONCURRENCY, type PlanStep } from "@/lib/plan/schema";
import { describeAction } from "@/lib/plan/summary";
import type { CardAction, CardEffect } from "@/lib/workflows/plan-card-types";
import { ScrollPre } from "../scroll-region";
import { ActionMark } from "./action-mark";
import { EffectMark } from "./effect-mark";
import { ExplainedLine } from "./explained-line";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[6rem_1fr] gap-2">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const code = "rounded bg-zinc-100 px-1 font-mono text-[11px] dark:bg-zinc-800";

export function StepDetails({
  step,
  phrase,
  explanation,
  action,
  effect,
  onFailure,
  onClose,
}: {
  step: PlanStep;
  phrase?: string;
  explanation?: StepExplanation;
  action?: CardAction;
  /** Its side-effect class from the catalog. */
  effect?: CardEffect;
  onFailure: boolean;
  onClose: () => void;
}) {
  return (
    <section
      className="rounded-lg border border-zinc-200 p-3 text-xs dark:border-zinc-800"
      data-testid="step-details"
      aria-label={`Step ${step.id}`}
    >
      <header className="mb-2 flex items-start justify-between gap-2">
        <div>
          <h4 className="flex items-center gap-1.5 text-sm font-medium">
            <ActionMark action={step.action} />
            {step.title ?? step.id}
          </h4>
          <p className="text-zinc-500 dark:text-zinc-400">{phrase ?? describeAction(step)}</p>
        </div>
        <button
          type="button"
          onClick={onClose}
          className="rounded px-1.5 text-zinc-500 dark:text-zinc-400 hover:bg-zinc-100 hover:text-zinc-900 dark:hover:bg-zinc-800"
          aria-label="Close step details"
        >
          ✕
        </button>
      </header>
      <dl className="flex flex-col gap-1.5">
        <Row label="Step id">
          <code className={code}>{step.id}</code>
          {onFailure ? <span className="ml-2 text-red-600">runs if the run fails</span> : null}
        </Row>
        <Row label="Action">
          <code className={code}>{step.action}</code> {action?.title ?? "(not in the catalog)"}
        </Row>
        {effect ? (
          <Row label="Side effect">
            <span className="flex flex-wrap items-center gap-1.5" data-testid="step-effect">
              <EffectMark effect={effect} />
              <span className="text-zinc-600 dark:text-zinc-400">{effect.does}</span>
            </span>
          </Row>
        ) : null}
        {step.after?.length ? <Row label="After">{step.after.join(", ")}</Row> : null}
        {step.if ? (
          <Row label="Condition">
            {explanation?.if ? (
              <ExplainedLine explained={explanation.if} testId="step-condition" />
            ) : (
              <code className={code}>{step.if}</code>
            )}
          </Row>
        ) : null}
        {step.else ? (
          <Row label="Otherwise">
            {explanation?.else ? (
              <ExplainedLine explained={explanation.else} testId="step-otherwise" />
            ) : (
              <span>
                runs instead of <code className={code}>{step.else}</code>
              </span>
            )}
          </Row>
        ) : null}
        {step.forEach ? (
          <Row label="Loop">
            {explanation?.forEach ? (
              <ExplainedLine explained={explanation.forEach} testId="step-loop" />
            ) : (
              <code className={code}>{step.forEach}</code>
            )}
            <span className="text-zinc-500 dark:text-zinc-400">
              {step.concurrency
                ? `${step.concurrency} at a time`
                : `${DEFAULT_CONCURRENCY} at a time (default)`}
            </span>
          </Row>
        ) : null}
        {step.retry ? (
          <Row label="Retry">
            {`${step.retry.attempts} attempts`}
            {step.retry.backoff ? `, ${step.retry.backoff} backoff` : ""}
            {step.retry.delay ? `, first delay ${step.retry.delay}` : ""}
          </Row>
        ) : null}
        {step.timeout ? <Row label="Timeout">{step.timeout}</Row> : null}
        <Row label="On error">
          {step.onError === "continue" ? "continue with the next steps" : "fail the run"}
        </Row>
        {explanation && explanation.inputs.length > 0 ? (
          <Row label="Uses">
            <ul className="flex flex-col gap-1" data-testid="step-uses">
              {explanation.inputs.map((input) => (
                <li key={input.path} className="flex flex-wrap items-start gap-x-1.5">
                  <code className={`${code} self-start`}>{input.path}</code>
                  <ExplainedLine explained={input} capitalise={false} />
                </li>
              ))}
            </ul>
          </Row>
        ) : null}
        <Row label="Input">
          <ScrollPre
            label={`Input of step ${step.id}`}
            className="max-h-64 overflow-auto rounded bg-zinc-100 p-2 font-mono text-[11px] dark:bg-zinc-800"
            data-testid="step-input"
          >
            {JSON.stringify(step.input ?? {}, null, 2)}
          </ScrollPre>
        </Row>
      </dl>
    </section>
  );
}
