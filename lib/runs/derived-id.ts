// UUIDs that are a pure function of what they name, so a repeated start finds the same run.
import { createHash } from "node:crypto";

/** A UUID-shaped id from `seed`; `tag` keeps ids of different origins apart. */
export function derivedUuid(seed: string, tag: "a" | "b" | "8"): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${tag}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
