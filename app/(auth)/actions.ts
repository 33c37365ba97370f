"use server";

import { AuthError } from "next-auth";
import { signInSchema, signUpSchema } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { signIn, signOut } from "./auth";

export type AuthFormState = {
  status: "idle" | "error";
  message?: string;
  fields?: { email?: string; name?: string };
};

function firstIssue(error: { issues: { message: string }[] }) {
  return error.issues[0]?.message ?? "Check the form and try again.";
}

export async function signInAction(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = signInSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
  });
  const fields = { email: String(form.get("email") ?? "") };
  if (!parsed.success) return { status: "error", message: firstIssue(parsed.error), fields };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeRedirect(form.get("next")) });
  } catch (error) {
    if (error instanceof AuthError) {
      return { status: "error", message: "Wrong email or password.", fields };
    }
    throw error; // the redirect thrown by a successful signIn
  }
  return { status: "idle" };
}

export async function signUpAction(_: AuthFormState, form: FormData): Promise<AuthFormState> {
  const parsed = signUpSchema.safeParse({
    name: form.get("name") || undefined,
    email: form.get("email"),
    password: form.get("password"),
  });
  const fields = { email: String(form.get("email") ?? ""), name: String(form.get("name") ?? "") };
  if (!parsed.success) return { status: "error", message: firstIssue(parsed.error), fields };
  try {
    await createUser({
      email: parsed.data.email,
      name: parsed.data.name,
      passwordHash: await hashPassword(parsed.data.password),
    });
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message, fields };
    throw error;
  }
  await signIn("credentials", {
    email: parsed.data.email,
    password: parsed.data.password,
    redirectTo: "/",
  });
  return { status: "idle" };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/login" });
}

/** Only same-site paths: an open redirect would let a link send people elsewhere after login. */
function safeRedirect(next: FormDataEntryValue | null) {
  const value = typeof next === "string" ? next : "";
  return value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export async function githubSignInAction() {
  await signIn("github", { redirectTo: "/" });
}
