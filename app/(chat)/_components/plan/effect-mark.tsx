// A step's side-effect class as a chip (reads / writes / notifies someone / starts a workflow)
// and the "contacts someone outside" mark, from the card's data (lib/plan/effects.ts).
import { OUTSIDE_LABEL } from "@/lib/plan/effects";
import type { CardEffect } from "@/lib/workflows/plan-card-types";

const TONES: Record<CardEffect["class"], string> = {
  reads: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300",
  writes: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  notifies: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200",
  starts: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
};

/** Short words where room is tight (a graph node). */
const SHORT: Record<CardEffect["class"], string> = {
  reads: "reads",
  writes: "writes",
  notifies: "notifies",
  starts: "starts a flow",
};

const chip = "shrink-0 rounded px-1 text-[10px] leading-4 font-medium whitespace-nowrap";

/** Whether a step's class is worth a chip: a wait that only waits says so already. */
export function showsEffect(effect: CardEffect | undefined, kind?: string): effect is CardEffect {
  return effect !== undefined && !(kind === "wait" && effect.class === "reads");
}

export function EffectMark({
  effect,
  compact = false,
}: {
  effect: CardEffect;
  /** A graph node: short words, the full ones in the tooltip. */
  compact?: boolean;
}) {
  const title = `${effect.label[0].toUpperCase()}${effect.label.slice(1)}: ${effect.does}${effect.outside ? ` (${OUTSIDE_LABEL})` : ""}`;
  return (
    <>
      <span
        className={`${chip} ${TONES[effect.class]}`}
        title={title}
        data-testid="effect-mark"
        data-effect={effect.class}
      >
        {compact ? SHORT[effect.class] : effect.label}
      </span>
      {effect.outside ? (
        <span
          className={`${chip} bg-rose-100 text-rose-900 ring-1 ring-rose-300 ring-inset dark:bg-rose-950 dark:text-rose-200 dark:ring-rose-800`}
          title={`${OUTSIDE_LABEL}: ${effect.does}`}
          data-testid="effect-outside"
        >
          {compact ? "outside" : OUTSIDE_LABEL}
        </span>
      ) : null}
    </>
  );
}
