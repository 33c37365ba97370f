// ULIDs: time-ordered ids for events, runs and jobs (Inngest's own ids are ULIDs too), so
// ordering by id is ordering by creation time.
import { randomFillSync } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * Random bytes drawn from a pool refilled 4 KiB at a time (as Node's own randomUUID does):
 * one call into the system's generator per 256 ids instead of one per id, on the hot path.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function ulid(now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[pool[offset + i] % 32];
  offset += 16;
  return time + rand;
}
