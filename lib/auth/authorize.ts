// The Credentials provider's `authorize()`: throttled, and as slow for an unknown email as for
// a wrong password, so neither speed nor wording tells which emails have accounts.
import "server-only";
import { getUserByEmail } from "@/lib/db/queries";
import { requestAddress } from "@/lib/rate-limit";
import { signInSchema } from "./credentials";
import { beginLoginAttempt, loginSucceeded } from "./login-throttle";
import { verifyAgainstDummy, verifyPassword } from "./password";

/**
 * The user for these credentials, or null. Throws `LoginThrottled` when the sign-in limits
 * for this email or the caller's address are used up. `request` carries the caller's headers
 * on both paths (Auth.js's route, and `signIn()` from a server action).
 */
export async function authorizeCredentials(raw: unknown, request: Request) {
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const attempt = { email, address: requestAddress(request.headers) };
  await beginLoginAttempt(attempt);
  const user = await getUserByEmail({ email });
  if (!user?.passwordHash) {
    await verifyAgainstDummy(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  await loginSucceeded(attempt);
  return { id: user.id, email: user.email, name: user.name };
}
