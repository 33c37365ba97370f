"use client";

// A finished run's "Re-run" control: the likely choice as the button ("Re-run from failed step",
// "from where it stopped", or from the start for a run that succeeded), the others in a menu
// (arrow keys, Home/End, Escape, focus back on the button). Choosing opens the preview panel.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

export type RerunChoice = "failed" | "start" | "pick";

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500";

export function primaryRerunLabel(status: string): string {
  if (status === "failed") return "Re-run from failed step";
  if (status === "cancelled") return "Re-run from where it stopped";
  return "Re-run";
}

export function RerunControl({
  status,
  open,
  onChoose,
  buttonRef,
}: {
  status: string;
  /** The preview panel is open (the button shows it as expanded). */
  open: boolean;
  onChoose: (choice: RerunChoice) => void;
  /** Where focus goes back to when the panel closes. */
  buttonRef: React.RefObject<HTMLButtonElement | null>;
}) {
  const [menu, setMenu] = useState(false);
  const menuId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const wrapper = useRef<HTMLDivElement>(null);
  const succeeded = status === "succeeded";
  const primary: RerunChoice = succeeded ? "start" : "failed";
  const choices: { choice: RerunChoice; label: string }[] = [
    ...(succeeded ? [] : [{ choice: "start" as const, label: "Re-run from the start" }]),
    { choice: "pick", label: "Re-run from a step…" },
  ];

  useEffect(() => {
    if (!menu) return;
    items.current[0]?.focus();
    const outside = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setMenu(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [menu]);

  function closeMenu(focusToggle: boolean) {
    setMenu(false);
    if (focusToggle) toggleRef.current?.focus();
  }

  function onMenuKey(event: KeyboardEvent<HTMLDivElement>) {
    const list = items.current.filter((item): item is HTMLButtonElement => item !== null);
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    if (event.key === "ArrowDown") move(at + 1);
    else if (event.key === "ArrowUp") move(at - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(list.length - 1);
    else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(true);
    } else if (event.key === "Tab") closeMenu(false);
  }

  const choose = (choice: RerunChoice) => {
    setMenu(false);
    onChoose(choice);
  };

  return (
    <div ref={wrapper} className="relative flex" data-testid="rerun-control">
      <button
        ref={buttonRef}
        type="button"
        onClick={() => choose(primary)}
        aria-expanded={open}
        className={`rounded-l-lg border border-zinc-300 bg-white px-2 py-1 text-xs font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800 ${focusRing}`}
        data-testid="rerun-primary"
      >
        {primaryRerunLabel(status)}
      </button>
      <button
        ref={toggleRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={menu}
        aria-controls={menu ? menuId : undefined}
        aria-label="More ways to re-run"
        onClick={() => setMenu((value) => !value)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            event.preventDefault();
            setMenu(true);
          }
        }}
        className={`-ml-px rounded-r-lg border border-zinc-300 bg-white px-1.5 py-1 text-xs hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800 ${focusRing}`}
        data-testid="rerun-menu-button"
      >
        <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className="h-3.5 w-3.5">
          <path
            fillRule="evenodd"
            d="M5.22 8.22a.75.75 0 0 1 1.06 0L10 11.94l3.72-3.72a.75.75 0 1 1 1.06 1.06l-4.25 4.25a.75.75 0 0 1-1.06 0L5.22 9.28a.75.75 0 0 1 0-1.06Z"
            clipRule="evenodd"
          />
        </svg>
      </button>
      {menu ? (
        <div
          id={menuId}
          role="menu"
          aria-label="Re-run"
          tabIndex={-1}
          onKeyDown={onMenuKey}
          className="absolute top-full right-0 z-20 mt-1 flex w-max max-w-[calc(100vw-2rem)] min-w-48 flex-col rounded-lg border border-zinc-200 bg-white py-1 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          data-testid="rerun-menu"
        >
          {choices.map((item, index) => (
            <button
              key={item.choice}
              ref={(element) => {
                items.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => choose(item.choice)}
              className="px-3 py-2 text-left hover:bg-zinc-100 focus:bg-zinc-100 focus:outline-none dark:hover:bg-zinc-800 dark:focus:bg-zinc-800"
              data-testid={`rerun-menu-${item.choice}`}
            >
              {item.label}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
