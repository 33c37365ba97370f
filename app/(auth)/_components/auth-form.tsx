"use client";

import Link from "next/link";
import { useActionState } from "react";
import { MIN_PASSWORD } from "@/lib/auth/credentials";
import type { AuthFormState } from "../actions";

type Props = {
  mode: "login" | "register";
  action: (state: AuthFormState, form: FormData) => Promise<AuthFormState>;
  next?: string;
};

const inputClass =
  "w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-zinc-900 focus:ring-2 focus:ring-zinc-900/10 dark:border-zinc-700 dark:bg-zinc-900 dark:focus:border-zinc-300";

export function AuthForm({ mode, action, next }: Props) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const register = mode === "register";
  return (
    <form action={formAction} className="flex flex-col gap-4" data-testid={`${mode}-form`}>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      {register ? (
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Name (optional)</span>
          <input
            name="name"
            autoComplete="name"
            defaultValue={state.fields?.name}
            className={inputClass}
          />
        </label>
      ) : null}
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Email</span>
        <input
          name="email"
          type="email"
          required
          // biome-ignore lint/a11y/noAutofocus: the email field is the only thing to do on this page
          autoFocus
          autoComplete="email"
          defaultValue={state.fields?.email}
          className={inputClass}
          data-testid="email"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Password</span>
        <input
          name="password"
          type="password"
          required
          minLength={register ? MIN_PASSWORD : undefined}
          autoComplete={register ? "new-password" : "current-password"}
          className={inputClass}
          data-testid="password"
        />
        {register ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            At least {MIN_PASSWORD} characters, and not a common password.
          </span>
        ) : null}
      </label>
      {state.status === "error" ? (
        <p
          role="alert"
          className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
          data-testid="auth-error"
        >
          {state.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
        data-testid="auth-submit"
      >
        {pending ? "Please wait…" : register ? "Create account" : "Sign in"}
      </button>
      <p className="text-center text-sm text-zinc-500 dark:text-zinc-400">
        {register ? (
          <>
            Already have an account?{" "}
            <Link href="/login" className="font-medium text-zinc-900 underline dark:text-zinc-100">
              Sign in
            </Link>
          </>
        ) : (
          <>
            New to Flowchat?{" "}
            <Link
              href="/register"
              className="font-medium text-zinc-900 underline dark:text-zinc-100"
            >
              Create an account
            </Link>
          </>
        )}
      </p>
    </form>
  );
}
