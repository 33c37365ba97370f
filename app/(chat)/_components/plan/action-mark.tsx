import { actionMark } from "./step-visuals";

/** The action family's monogram chip, e.g. "HTTP" for http.request. */
export function ActionMark({ action }: { action: string }) {
  const { mark, tone } = actionMark(action);
  return (
    <span
      aria-hidden
      className={`inline-block shrink-0 rounded px-1 font-mono text-[9px] leading-4 font-semibold ${tone}`}
    >
      {mark}
    </span>
  );
}
