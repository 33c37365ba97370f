// A revision's changes against the version before it, one line per change.
const tone: Record<string, string> = {
  "+": "text-emerald-700 dark:text-emerald-400",
  "-": "text-red-700 dark:text-red-400",
  "~": "text-amber-700 dark:text-amber-400",
};

export function PlanDiff({ against, lines }: { against: number; lines: string[] }) {
  return (
    <details open className="rounded-lg border border-zinc-200 text-xs dark:border-zinc-800">
      <summary className="cursor-pointer px-3 py-1.5 font-medium">
        Changes since version {against}
      </summary>
      <ul className="flex flex-col gap-0.5 px-3 pb-2 font-mono" data-testid="plan-diff">
        {lines.map((line, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines are static and may repeat
          <li key={index} className={`${tone[line[0]] ?? ""} break-words`}>
            {line}
          </li>
        ))}
      </ul>
    </details>
  );
}
