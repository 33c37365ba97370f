// Event ids. When the SDK sends `x-inngest-event-id-seed: <ms>,<base64 entropy>`, the ids
// are derived from it, so a send the SDK retries (it does, up to 5 times) is stored once.
import { createHash } from "node:crypto";
import { ulid } from "./ids";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function eventIds(count: number, seed?: string | null): string[] {
  const match = seed ? /^(\d+),(.+)$/.exec(seed) : null;
  if (!match) return Array.from({ length: count }, () => ulid());
  const time = ulid(Number(match[1])).slice(0, 10);
  return Array.from({ length: count }, (_, i) => {
    const digest = createHash("sha256").update(`${match[2]}:${i}`).digest();
    let rand = "";
    for (let j = 0; j < 16; j++) rand += ALPHABET[digest[j] % 32];
    return time + rand;
  });
}
