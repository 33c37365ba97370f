"use client";

// A condition, loop or binding in words, with the expression as written folded behind a
// disclosure (lib/plan/explain.ts decides the words; this only shows them).
import type { Explained } from "@/lib/plan/explain";

function capitalised(text: string): string {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}

const code =
  "block whitespace-pre-wrap break-words rounded bg-zinc-100 px-1.5 py-1 font-mono text-[11px] text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200";

export function ExplainedLine({
  explained,
  testId,
  capitalise = true,
}: {
  explained: Explained;
  testId?: string;
  capitalise?: boolean;
}) {
  const text = capitalise ? capitalised(explained.text) : explained.text;
  return (
    <div className="min-w-0" data-testid={testId} data-exact={explained.exact}>
      <span className="[overflow-wrap:anywhere]">{text}</span>
      {explained.source ? (
        <details className="group mt-0.5">
          <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded text-[11px] text-zinc-500 dark:text-zinc-400 select-none hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-blue-500 dark:hover:text-zinc-200 [&::-webkit-details-marker]:hidden">
            <span aria-hidden className="inline-block transition-transform group-open:rotate-90">
              ›
            </span>
            {explained.exact ? "Expression" : "Show the expression"}
          </summary>
          <code className={`mt-1 ${code}`}>{explained.source}</code>
        </details>
      ) : null}
    </div>
  );
}
