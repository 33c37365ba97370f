"use client";

// Below 768 px the sidebar is hidden; this compact top bar opens the same content in a drawer.
// The drawer is a modal <dialog> (the rest of the page is inert), keeps Tab inside itself,
// closes on Escape, a tap on the backdrop or any navigation, gives focus back to the menu
// button, and locks the page's scroll while open.
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import {
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import { SidebarContent, type SidebarProps } from "../sidebar";
import { CloseIcon, MenuIcon, NewChatIcon } from "./icons";

const DRAWER_ID = "mobile-drawer";
const iconButton =
  "grid size-10 place-items-center rounded-lg text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-500 dark:text-zinc-200 dark:hover:bg-zinc-800";

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  ).filter((element) => element.offsetParent !== null || element === document.activeElement);
}

export function MobileNav(props: SidebarProps) {
  const [open, setOpen] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const router = useRouter();

  const close = useCallback(() => setOpen(false), []);

  // The dialog follows the state; a close by the browser (Escape) comes back through onClose.
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The close button takes the first focus (React's autoFocus ran while it was hidden).
      dialog.querySelector<HTMLElement>("[data-initial-focus]")?.focus();
    }
    if (!open && dialog.open) {
      dialog.close();
      buttonRef.current?.focus();
    }
  }, [open]);

  // The page behind does not scroll while the drawer is open.
  useEffect(() => {
    if (!open) return;
    const { overflow } = document.body.style;
    document.body.style.overflow = "hidden";
    return () => {
      document.body.style.overflow = overflow;
    };
  }, [open]);

  // Navigating (a link, Back, a redirect) closes it; so does widening past the breakpoint,
  // where the sidebar shows the same content.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every change of page
  useEffect(() => close(), [pathname, close]);
  useEffect(() => {
    const wide = window.matchMedia("(min-width: 768px)");
    const onChange = () => {
      if (wide.matches) close();
    };
    wide.addEventListener("change", onChange);
    return () => wide.removeEventListener("change", onChange);
  }, [close]);

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key !== "Tab" || !dialogRef.current) return;
    const items = focusables(dialogRef.current);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  function onClick(event: MouseEvent<HTMLDialogElement>) {
    // The dialog box is the backdrop's area: its content fills the panel, so a click whose
    // target is the dialog itself landed outside the panel.
    if (event.target === event.currentTarget) {
      close();
      return;
    }
    // A link to the page already shown changes no path, so close on the click itself.
    if ((event.target as Element).closest("a[href]")) close();
  }

  return (
    <>
      <header className="flex shrink-0 items-center gap-1 border-b border-zinc-200 bg-white/95 pt-[env(safe-area-inset-top)] pr-[max(0.375rem,env(safe-area-inset-right))] pl-[max(0.375rem,env(safe-area-inset-left))] backdrop-blur md:hidden dark:border-zinc-800 dark:bg-zinc-950/95">
        <div className="flex h-12 w-full items-center gap-1">
          <button
            ref={buttonRef}
            type="button"
            className={iconButton}
            onClick={() => setOpen(true)}
            aria-label="Open menu"
            aria-haspopup="dialog"
            aria-expanded={open}
            aria-controls={DRAWER_ID}
            data-testid="menu-button"
          >
            <MenuIcon size={20} />
          </button>
          <Link href="/" className="mr-auto rounded px-1 text-sm font-semibold">
            Flowchat
          </Link>
          <Link
            href="/"
            onClick={() => router.refresh()}
            className={iconButton}
            aria-label="New chat"
            title="New chat"
            data-testid="topbar-new-chat"
          >
            <NewChatIcon size={19} />
          </Link>
        </div>
      </header>
      <dialog
        ref={dialogRef}
        id={DRAWER_ID}
        aria-label="Menu"
        onClose={() => {
          setOpen(false);
          buttonRef.current?.focus();
        }}
        onKeyDown={onKeyDown}
        onClick={onClick}
        className="m-0 h-dvh max-h-none transition-transform duration-200 ease-out starting:open:-translate-x-full motion-reduce:transition-none w-[min(20rem,86vw)] max-w-none overflow-hidden border-r border-zinc-200 bg-zinc-50 p-0 text-zinc-900 shadow-2xl backdrop:bg-zinc-950/50 md:hidden dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
        data-testid="mobile-drawer"
      >
        {open ? (
          <div className="h-full pt-[env(safe-area-inset-top)] pb-[env(safe-area-inset-bottom)] pl-[env(safe-area-inset-left)]">
            <SidebarContent
              {...props}
              roomy
              headerEnd={
                <button
                  type="button"
                  data-initial-focus
                  className={`${iconButton} -mr-1.5 size-9`}
                  onClick={close}
                  aria-label="Close menu"
                  data-testid="menu-close"
                >
                  <CloseIcon size={18} />
                </button>
              }
            />
          </div>
        ) : null}
      </dialog>
    </>
  );
}
