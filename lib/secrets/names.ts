// Secret names as plans write them: `{{ secrets.SLACK_WEBHOOK }}`.
import { z } from "zod";

export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
export const MAX_SECRET_VALUE_CHARS = 16_384;
/** Shorter values would be redacted out of ordinary text (a "to" in every sentence). */
export const MIN_SECRET_VALUE_CHARS = 4;

export const secretNameSchema = z
  .string()
  .trim()
  .regex(
    SECRET_NAME_PATTERN,
    "Use capital letters, digits and underscores, starting with a letter (like SLACK_WEBHOOK), at most 64 characters.",
  );

export const secretValueSchema = z
  .string()
  .min(1, "A secret needs a value.")
  .min(
    MIN_SECRET_VALUE_CHARS,
    `A secret must be at least ${MIN_SECRET_VALUE_CHARS} characters long: shorter values cannot be kept out of logs and outputs reliably.`,
  )
  .max(MAX_SECRET_VALUE_CHARS, `Keep secret values under ${MAX_SECRET_VALUE_CHARS} characters.`);
