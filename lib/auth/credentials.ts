// What a person types to sign up or sign in, validated once for the form and the server. The
// common-password check needs a large list and runs on the server only (password-policy.ts).
import { z } from "zod";

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address." }));

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(MAX_PASSWORD),
});

export const signUpSchema = z.object({
  name: z.string().trim().max(100).optional(),
  email: emailSchema,
  password: z
    .string()
    .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters for the password.`)
    .max(MAX_PASSWORD, `Use at most ${MAX_PASSWORD} characters for the password.`),
});
