"use server";

import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { signInSchema, signUpSchema } from "@/lib/auth/credentials";
import { LoginThrottled } from "@/lib/auth/login-throttle";
import { newPasswordProblem } from "@/lib/auth/password-policy";
import { safeRedirect } from "@/lib/auth/redirect";
import { createAccountIfNew, REGISTRATION_REFUSED } from "@/lib/auth/registration";
import { AppError } from "@/lib/errors";
import { enforceLimit, requestAddress } from "@/lib/rate-limit";
import { refusalMessage } from "@/lib/rate-limit/limits";
import { signIn, signOut } from "./auth";

export type AuthFormState = {
  status: "idle" | "error";
  message?: string;
  fields?: { email?: string; name?: string };
};

function firstIssue(error: { issues: { message: string }[] }) {
  return error.issues[0]?.message ?? "Check the form and try again.";
}

/**
 * Signs in with a password; a refusal becomes the form's message (`refused` for a wrong
 * password). A success throws Next's redirect, which must travel on.
 */
async function signInOrSay(
  credentials: { email: string; password: string; redirectTo: string },
  refused: string,
  fields: AuthFormState["fields"],
): Promise<AuthFormState> {
  try {
    await signIn("credentials", credentials);
  } catch (error) {
    if (error instanceof LoginThrottled) {
      return { status: "error", message: refusalMessage("login", error.retryAfterSeconds), fields };
    }
    if (error instanceof AuthError) return { status: "error", message: refused, fields };
    throw error; // the redirect thrown by a successful signIn
  }
  return { status: "idle" };
}

export async function signInAction(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = signInSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
  });
  const fields = { email: String(form.get("email") ?? "") };
  if (!parsed.success) return { status: "error", message: firstIssue(parsed.error), fields };
  return signInOrSay(
    { ...parsed.data, redirectTo: safeRedirect(form.get("next")) },
    "Wrong email or password.",
    fields,
  );
}

export async function signUpAction(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = signUpSchema.safeParse({
    name: form.get("name") || undefined,
    email: form.get("email"),
    password: form.get("password"),
  });
  const fields = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") };
  if (!parsed.success) return { status: "error", message: firstIssue(parsed.error), fields };
  const { email, name, password } = parsed.data;
  const problem = await newPasswordProblem(password, email);
  if (problem) return { status: "error", message: problem, fields };
  try {
    await enforceLimit("register", requestAddress(await headers()));
    // Whether the email was free stays unsaid: the sign-in below decides what the person sees.
    await createAccountIfNew({ email, name, password });
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message, fields };
    throw error;
  }
  return signInOrSay({ email, password, redirectTo: "/" }, REGISTRATION_REFUSED, fields);
}

export async function signOutAction() {
  // Auth.js's signOut event lists this session as revoked before the cookie is cleared
  // (app/(auth)/auth.ts), so a copy of the cookie stops working too.
  await signOut({ redirectTo: "/login" });
}

export async function githubSignInAction() {
  await signIn("github", { redirectTo: "/" });
}
