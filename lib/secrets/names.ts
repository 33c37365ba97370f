// Secret names as plans write them: `{{ secrets.SLACK_WEBHOOK }}`.
import { z } from "zod";

export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
export const MAX_SECRET_VALUE_CHARS = 16_384;

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
  .max(MAX_SECRET_VALUE_CHARS, `Keep secret values under ${MAX_SECRET_VALUE_CHARS} characters.`);
