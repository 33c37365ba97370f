"use client";

import { type KeyboardEvent, useEffect, useLayoutEffect, useRef } from "react";
import { MAX_MESSAGE_CHARS } from "@/lib/ai/types";

type Props = {
  /** Whose draft this is (the thread): the caret survives the composer being remounted. */
  draftKey: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  onStop: () => void;
  busy: boolean;
};

/** Where the caret was in each thread's draft, across remounts of the composer. */
const carets = new Map<string, [number, number]>();

/** Enter sends, Shift+Enter adds a line, Escape stops a reply that is streaming. */
export function Composer({ draftKey, value, onChange, onSubmit, onStop, busy }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const tooLong = value.length > MAX_MESSAGE_CHARS;
  const empty = value.trim().length === 0;

  // Grow with the text up to a cap; `value` is the trigger even though the body reads the DOM.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [value]);

  // A new chat's page is replaced by the thread's page after its first reply, which mounts a
  // new composer while the person may still be typing: focus it in the same commit (no key
  // lost to the page) with the caret where it was, not at the start of the draft. Only when
  // focus is nowhere (the old composer went with its page): a composer mounting later never
  // takes focus from what the person is on (a step of a plan card, a button).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on mount
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const current = document.activeElement;
    if (current && current !== document.body && current !== el) return;
    el.focus();
    const [start, end] = carets.get(draftKey) ?? [el.value.length, el.value.length];
    el.setSelectionRange(Math.min(start, el.value.length), Math.min(end, el.value.length));
  }, []);

  function rememberCaret(el: HTMLTextAreaElement) {
    carets.set(draftKey, [el.selectionStart, el.selectionEnd]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Escape" && busy) {
      event.preventDefault();
      onStop();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (!busy && !empty && !tooLong) onSubmit();
    }
  }

  return (
    <form
      className="mx-auto w-full max-w-3xl px-4 pb-[max(1rem,env(safe-area-inset-bottom))]"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy && !empty && !tooLong) onSubmit();
      }}
    >
      <div className="flex items-end gap-2 rounded-2xl border border-zinc-300 bg-white p-2 shadow-sm focus-within:border-zinc-500 dark:border-zinc-700 dark:bg-zinc-900">
        <textarea
          ref={ref}
          value={value}
          onChange={(event) => {
            rememberCaret(event.target);
            onChange(event.target.value);
          }}
          onSelect={(event) => rememberCaret(event.currentTarget)}
          onKeyDown={onKeyDown}
          rows={1}
          placeholder="Describe what you want to automate…"
          aria-label="Message"
          className="max-h-60 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-sm outline-none"
          data-testid="composer-input"
        />
        {busy ? (
          <button
            type="button"
            onClick={onStop}
            className="rounded-xl bg-zinc-200 px-3 py-2 text-sm font-medium hover:bg-zinc-300 dark:bg-zinc-800 dark:hover:bg-zinc-700"
            data-testid="stop-button"
          >
            Stop
          </button>
        ) : (
          <button
            type="submit"
            disabled={empty || tooLong}
            className="rounded-xl bg-zinc-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900"
            data-testid="send-button"
          >
            Send
          </button>
        )}
      </div>
      <div className="mt-1 flex justify-between px-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span>Enter to send · Shift+Enter for a new line{busy ? " · Esc to stop" : ""}</span>
        {value.length > MAX_MESSAGE_CHARS * 0.8 ? (
          <span className={tooLong ? "text-red-600" : undefined} data-testid="char-count">
            {value.length.toLocaleString()} / {MAX_MESSAGE_CHARS.toLocaleString()}
            {tooLong ? " — too long to send" : ""}
          </span>
        ) : null}
      </div>
    </form>
  );
}
