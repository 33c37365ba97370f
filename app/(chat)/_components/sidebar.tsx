"use client";

// The app's navigation: New chat, the pages, the conversations and the account. One content
// component serves both the desktop sidebar and the phone's drawer (mobile-nav.tsx).
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { signOutAction } from "@/app/(auth)/actions";
import { NewChatIcon } from "./shell/icons";
import { type ThreadItem, ThreadList } from "./shell/thread-list";

export type SidebarProps = {
  user: { email: string; name: string | null };
  threads: ThreadItem[];
};

const pages = [
  { href: "/workflows", label: "Workflows", testId: "nav-workflows" },
  { href: "/templates", label: "Templates", testId: "nav-templates" },
  { href: "/settings", label: "Settings", testId: "nav-settings" },
];

/** Ctrl/Cmd+Shift+O starts a new chat from anywhere, as in most chat apps. Mount once. */
export function useNewChatShortcut() {
  const router = useRouter();
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
}

const focusRing = "focus-visible:outline-2 focus-visible:outline-blue-500";

/**
 * Everything the sidebar holds; `headerEnd` adds a control after New chat (the drawer's close),
 * `roomy` gives rows finger-sized heights (the drawer on a phone).
 */
export function SidebarContent({
  user,
  threads,
  headerEnd,
  roomy = false,
}: SidebarProps & { headerEnd?: ReactNode; roomy?: boolean }) {
  const pathname = usePathname();
  const router = useRouter();
  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex h-12 shrink-0 items-center gap-2 px-3">
        <Link href="/" className={`mr-auto rounded text-sm font-semibold ${focusRing}`}>
          Flowchat
        </Link>
        <Link
          href="/"
          onClick={() => router.refresh()}
          title="New chat (Ctrl+Shift+O)"
          className={`flex items-center gap-1.5 rounded-lg border border-zinc-300 px-2 py-1 text-xs font-medium hover:bg-white dark:border-zinc-700 dark:hover:bg-zinc-800 ${focusRing}`}
          data-testid="new-chat"
        >
          <NewChatIcon size={13} />
          New chat
        </Link>
        {headerEnd}
      </div>
      <nav className="flex flex-col gap-0.5 px-2 pb-2" aria-label="Pages">
        {pages.map((link) => {
          const current = pathname.startsWith(link.href);
          return (
            <Link
              key={link.href}
              href={link.href}
              className={`rounded-lg px-2 text-sm ${roomy ? "py-2.5" : "py-1.5"} ${focusRing} ${
                current
                  ? "bg-zinc-200 font-medium dark:bg-zinc-800"
                  : "hover:bg-zinc-100 dark:hover:bg-zinc-800/60"
              }`}
              aria-current={current ? "page" : undefined}
              data-testid={link.testId}
            >
              {link.label}
            </Link>
          );
        })}
      </nav>
      <ThreadList threads={threads} roomy={roomy} />
      <div
        className={`flex shrink-0 items-center gap-2 border-t border-zinc-200 px-3 text-xs dark:border-zinc-800 ${roomy ? "py-3" : "py-2.5"}`}
      >
        <p
          className="min-w-0 flex-1 truncate font-medium"
          data-testid="user-email"
          title={user.email}
        >
          {user.name || user.email}
        </p>
        <form action={signOutAction}>
          <button
            type="submit"
            className={`rounded-md px-2 py-1 text-zinc-500 dark:text-zinc-400 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
          >
            Sign out
          </button>
        </form>
      </div>
    </div>
  );
}

/** The desktop sidebar (768 px and wider); below that the drawer holds the same content. */
export function Sidebar(props: SidebarProps) {
  useNewChatShortcut();
  return (
    <aside className="hidden w-64 shrink-0 border-r border-zinc-200 bg-zinc-50 md:block dark:border-zinc-800 dark:bg-zinc-900/40">
      <SidebarContent {...props} />
    </aside>
  );
}
