"use client";

// The person's conversations, newest first, each renamable and deletable in place. The title
// truncates and the actions sit beside it, never over it: on a mouse they appear on hover or
// when the row holds focus (so Tab reaches them), on touch they are always shown.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { DeleteIcon, RenameIcon } from "./icons";

export type ThreadItem = { id: string; title: string; updatedAt: string };

const actionClass =
  "grid size-7 shrink-0 place-items-center rounded-md text-zinc-500 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-zinc-400 dark:hover:bg-zinc-700";

export function ThreadList({ threads, roomy = false }: { threads: ThreadItem[]; roomy?: boolean }) {
  const pathname = usePathname();
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const listRef = useRef<HTMLElement>(null);

  /** Ends a rename with the focus back on that row's Rename button, not lost to the page. */
  function endRename(id: string, refocus: boolean) {
    setEditing(null);
    if (!refocus) return;
    requestAnimationFrame(() => {
      // On a mouse the button shows only while its row holds focus: the row's link first.
      listRef.current?.querySelector<HTMLElement>(`a[href="/chat/${id}"]`)?.focus();
      listRef.current?.querySelector<HTMLElement>(`[data-rename-for="${id}"]`)?.focus();
    });
  }

  async function rename(id: string, refocus = false) {
    const title = draft.trim();
    endRename(id, refocus);
    if (!title) return;
    const response = await fetch(`/api/threads/${id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title }),
    });
    if (!response.ok) setProblem("Could not rename the conversation.");
    router.refresh();
  }

  async function remove(thread: ThreadItem) {
    if (!window.confirm(`Delete "${thread.title}"? This cannot be undone.`)) return;
    const response = await fetch(`/api/threads/${thread.id}`, { method: "DELETE" });
    if (!response.ok) {
      setProblem("Could not delete the conversation.");
      return;
    }
    if (pathname === `/chat/${thread.id}`) router.push("/");
    router.refresh();
  }

  return (
    <nav
      ref={listRef}
      className="flex-1 overflow-y-auto overscroll-contain border-t border-zinc-200 px-2 pt-2 pb-2 dark:border-zinc-800"
      aria-label="Conversations"
      data-testid="thread-list"
    >
      <h2 className="px-2 pb-1 text-[11px] font-medium tracking-wide text-zinc-500 dark:text-zinc-400 uppercase">
        Conversations
      </h2>
      {threads.length === 0 ? (
        <p className="px-2 py-4 text-xs text-zinc-500 dark:text-zinc-400">
          No conversations yet. Start one with New chat.
        </p>
      ) : null}
      <ul className="flex flex-col gap-0.5">
        {threads.map((thread) => {
          const active = pathname === `/chat/${thread.id}`;
          if (editing === thread.id) {
            return (
              <li key={thread.id} data-testid="thread-item">
                <input
                  // biome-ignore lint/a11y/noAutofocus: the person just asked to rename it
                  autoFocus
                  value={draft}
                  onChange={(event) => setDraft(event.target.value)}
                  onBlur={() => rename(thread.id)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter") void rename(thread.id, true);
                    if (event.key === "Escape") {
                      // Escape ends the rename only, not the drawer around the list.
                      event.preventDefault();
                      event.stopPropagation();
                      endRename(thread.id, true);
                    }
                  }}
                  aria-label="Conversation title"
                  className="w-full rounded-lg border border-zinc-400 bg-white px-2 py-1.5 text-sm dark:bg-zinc-800"
                  data-testid="rename-input"
                />
              </li>
            );
          }
          return (
            <li
              key={thread.id}
              className={`group flex items-center gap-0.5 rounded-lg pr-1 ${
                active
                  ? "bg-zinc-200 dark:bg-zinc-800"
                  : "hover:bg-zinc-100 dark:hover:bg-zinc-800/60"
              }`}
              data-testid="thread-item"
            >
              <Link
                href={`/chat/${thread.id}`}
                className={`min-w-0 flex-1 truncate rounded-lg px-2 text-sm ${roomy ? "py-2.5" : "py-1.5"} focus-visible:outline-2 focus-visible:outline-blue-500 ${
                  active ? "font-medium" : ""
                }`}
                aria-current={active ? "page" : undefined}
                title={thread.title}
                data-testid="thread-link"
              >
                {thread.title}
              </Link>
              <div
                className="flex shrink-0 gap-0.5 pointer-fine:hidden pointer-fine:group-focus-within:flex pointer-fine:group-hover:flex"
                data-testid="thread-actions"
              >
                <button
                  type="button"
                  className={`${actionClass} ${roomy ? "size-9" : ""}`}
                  onClick={() => {
                    setDraft(thread.title);
                    setEditing(thread.id);
                  }}
                  aria-label={`Rename ${thread.title}`}
                  title="Rename"
                  data-testid="rename-thread"
                  data-rename-for={thread.id}
                >
                  <RenameIcon size={15} />
                </button>
                <button
                  type="button"
                  className={`${actionClass} ${roomy ? "size-9" : ""} hover:text-red-600 dark:hover:text-red-400`}
                  onClick={() => remove(thread)}
                  aria-label={`Delete ${thread.title}`}
                  title="Delete"
                  data-testid="delete-thread"
                >
                  <DeleteIcon size={15} />
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {problem ? (
        <p role="alert" className="px-2 py-2 text-xs text-red-600">
          {problem}
        </p>
      ) : null}
    </nav>
  );
}
