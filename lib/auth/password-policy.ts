// What a new password must be: long enough (lib/auth/credentials.ts) and not one of the
// passwords attackers try first. The list (about 49,000 leaked passwords, from
// @zxcvbn-ts/language-common) is 380 kB, so it stays on the server and loads on first use.
import "server-only";

let common: Promise<Set<string>> | undefined;

function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) => new Set(dictionary["passwords-common"]),
  );
  return common;
}

export const COMMON_PASSWORD_MESSAGE =
  "This password is one of the most common ones and easy to guess. Choose another.";

/** Why `password` may not be used for an account with `email`, or undefined when it may. */
export async function newPasswordProblem(
  password: string,
  email: string,
): Promise<string | undefined> {
  const folded = password.toLowerCase();
  if (folded === email.toLowerCase() || folded === email.toLowerCase().split("@")[0]) {
    return "Do not use your email address as the password.";
  }
  if ((await commonPasswords()).has(folded)) return COMMON_PASSWORD_MESSAGE;
  return undefined;
}
