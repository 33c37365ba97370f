"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { signOutAction } from "@/app/(auth)/actions";

type ThreadItem = { id: string; title: string; updatedAt: string };

type Props = {
  user: { email: string; name: string | null };
  threads: ThreadItem[];
};

export function Sidebar({ user, threads }: Props) {
  const pathname = usePathname();
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  // Ctrl/Cmd+Shift+O starts a new chat from anywhere, as in most chat apps.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if ((event.metaKey || event.ctrlKey) && event.shiftKey && event.key.toLowerCase() === "o") {
        event.preventDefault();
        router.push("/");
        router.refresh();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  async function rename(id: string) {
    const title = draft.trim();
    setEditing(null);
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
    <aside className="hidden w-64 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 md:flex dark:border-zinc-800 dark:bg-zinc-900/40">
      <div className="flex h-12 items-center justify-between px-3">
        <Link href="/" className="text-sm font-semibold">
          Flowchat
        </Link>
        <Link
          href="/"
          onClick={() => router.refresh()}
          title="New chat (Ctrl+Shift+O)"
          className="rounded-lg border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-white dark:border-zinc-700 dark:hover:bg-zinc-800"
          data-testid="new-chat"
        >
          New chat
        </Link>
      </div>
      <nav className="flex flex-col gap-0.5 px-2 pb-2" aria-label="Pages">
        {[
          { href: "/workflows", label: "Workflows", testId: "nav-workflows" },
          { href: "/settings", label: "Settings", testId: "nav-settings" },
        ].map((link) => (
          <Link
            key={link.href}
            href={link.href}
            className={`rounded-lg px-2 py-1.5 text-sm ${
              pathname.startsWith(link.href)
                ? "bg-zinc-200 font-medium dark:bg-zinc-800"
                : "hover:bg-zinc-100 dark:hover:bg-zinc-800/60"
            }`}
            aria-current={pathname.startsWith(link.href) ? "page" : undefined}
            data-testid={link.testId}
          >
            {link.label}
          </Link>
        ))}
      </nav>
      <nav
        className="flex-1 overflow-y-auto border-t border-zinc-200 px-2 pt-2 pb-2 dark:border-zinc-800"
        aria-label="Conversations"
        data-testid="thread-list"
      >
        {threads.length === 0 ? (
          <p className="px-2 py-4 text-xs text-zinc-500">
            No conversations yet. Start one on the right.
          </p>
        ) : null}
        <ul className="flex flex-col gap-0.5">
          {threads.map((thread) => {
            const active = pathname === `/chat/${thread.id}`;
            return (
              <li key={thread.id} className="group relative" data-testid="thread-item">
                {editing === thread.id ? (
                  <input
                    // biome-ignore lint/a11y/noAutofocus: the person just asked to rename it
                    autoFocus
                    value={draft}
                    onChange={(event) => setDraft(event.target.value)}
                    onBlur={() => rename(thread.id)}
                    onKeyDown={(event) => {
                      if (event.key === "Enter") void rename(thread.id);
                      if (event.key === "Escape") setEditing(null);
                    }}
                    aria-label="Conversation title"
                    className="w-full rounded-lg border border-zinc-400 bg-white px-2 py-1.5 text-sm dark:bg-zinc-800"
                    data-testid="rename-input"
                  />
                ) : (
                  <Link
                    href={`/chat/${thread.id}`}
                    className={`block truncate rounded-lg px-2 py-1.5 pr-16 text-sm ${
                      active
                        ? "bg-zinc-200 font-medium dark:bg-zinc-800"
                        : "hover:bg-zinc-100 dark:hover:bg-zinc-800/60"
                    }`}
                    aria-current={active ? "page" : undefined}
                  >
                    {thread.title}
                  </Link>
                )}
                {editing === thread.id ? null : (
                  <div className="absolute top-1 right-1 hidden gap-1 group-focus-within:flex group-hover:flex">
                    <button
                      type="button"
                      className="rounded px-1 text-xs text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
                      onClick={() => {
                        setDraft(thread.title);
                        setEditing(thread.id);
                      }}
                      aria-label={`Rename ${thread.title}`}
                      data-testid="rename-thread"
                    >
                      Rename
                    </button>
                    <button
                      type="button"
                      className="rounded px-1 text-xs text-zinc-500 hover:text-red-600"
                      onClick={() => remove(thread)}
                      aria-label={`Delete ${thread.title}`}
                      data-testid="delete-thread"
                    >
                      Delete
                    </button>
                  </div>
                )}
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
      <div className="border-t border-zinc-200 p-3 text-xs dark:border-zinc-800">
        <p className="truncate font-medium" data-testid="user-email">
          {user.name || user.email}
        </p>
        <form action={signOutAction}>
          <button
            type="submit"
            className="mt-1 text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100"
          >
            Sign out
          </button>
        </form>
      </div>
    </aside>
  );
}
