// Limits of the per-workflow store, shared by the actions and the database layer.
import { NonRetriableActionError } from "./errors";

export const STORE_VALUE_MAX_BYTES = 64 * 1024;
export const STORE_MAX_KEYS = 1000;
export const STORE_KEY_MAX_CHARS = 200;

export function storeKey(key: string): string {
  if (key.length > STORE_KEY_MAX_CHARS) {
    throw new NonRetriableActionError(
      `store: keys are limited to ${STORE_KEY_MAX_CHARS} characters (got ${key.length})`,
      { code: "limit" },
    );
  }
  return key;
}
