// Sign-up that does not say which emails have accounts. The account is created only if the
// email is free; either way the caller then signs in with the same email and password, which
// succeeds for a new account and for the owner of an existing one, and fails with one generic
// message otherwise. The password is hashed in both cases, so both take the same time.
import "server-only";
import { createUser } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { hashPassword } from "./password";

/** Shown when the sign-in after sign-up fails; deliberately the same for every cause. */
export const REGISTRATION_REFUSED =
  "We could not create an account with this email and password. If you already have an account, sign in instead.";

/** Creates the account when the email is free; says nothing about whether it was. */
export async function createAccountIfNew({
  email,
  name,
  password,
}: {
  email: string;
  name?: string;
  password: string;
}): Promise<void> {
  const passwordHash = await hashPassword(password);
  try {
    await createUser({ email, name, passwordHash });
  } catch (error) {
    if (error instanceof AppError && error.code === "conflict:auth") return;
    throw error;
  }
}
