// A workflow's status colours, the same on the list and on its page.
export const statusTone: Record<string, string> = {
  active: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  draft: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  paused: "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  archived: "bg-zinc-200 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400",
};
