import type { ReactNode } from "react";
import { githubSignInAction } from "../actions";
import { githubEnabled } from "../auth";

export function AuthShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-semibold tracking-tight">Flowchat</p>
          <h1 className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">{title}</h1>
        </div>
        {children}
        {githubEnabled() ? (
          <form action={githubSignInAction} className="mt-4">
            <button
              type="submit"
              className="w-full rounded-lg border border-zinc-300 px-3 py-2 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
            >
              Continue with GitHub
            </button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
