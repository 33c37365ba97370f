// The process's one LISTEN per channel (run_events: '<run id>', thread_messages: '<thread
// id>'), fanned out to subscribers by key, and the shared reads behind it: every viewer of a
// run or thread in this process that wakes up for the same notification gets the result of
// ONE database read (single flight), however many viewers there are.
import "server-only";
import { getDbHandle } from "@/lib/db";
import type { DbHandle } from "@/lib/db/client";

type Listener = (key: string) => void;

type Channel = {
  byKey: Map<string, Set<Listener>>;
  /** Listeners for every key (an open thread looking for runs it does not follow yet). */
  any: Set<Listener>;
  /** Notifications received on the channel so far. */
  counter: number;
  /**
   * Per subscribed key, `counter` at its latest notification (or when its first subscriber
   * came): a shared read started at or after that is current for the key.
   */
  generations: Map<string, number>;
  ready: Promise<void>;
};

type Bus = { handle: DbHandle; channels: Map<string, Channel> };

const globalForBus = globalThis as unknown as { flowchatLiveBus?: Bus };

/** The bus of the current database handle (tests and the bench switch handles). */
async function bus(): Promise<Bus> {
  const handle = await getDbHandle();
  if (globalForBus.flowchatLiveBus?.handle !== handle) {
    globalForBus.flowchatLiveBus = { handle, channels: new Map() };
  }
  return globalForBus.flowchatLiveBus;
}

function channelOf(b: Bus, name: string): Channel {
  let channel = b.channels.get(name);
  if (!channel) {
    const created: Channel = {
      byKey: new Map(),
      any: new Set(),
      counter: 0,
      generations: new Map(),
      ready: Promise.resolve(),
    };
    created.ready = b.handle
      .listen(name, (key) => {
        created.counter += 1;
        if (created.byKey.has(key)) created.generations.set(key, created.counter);
        for (const listener of created.byKey.get(key) ?? []) listener(key);
        for (const listener of created.any) listener(key);
      })
      .then(() => undefined)
      .catch((error) => {
        b.channels.delete(name);
        throw error;
      });
    b.channels.set(name, created);
    channel = created;
  }
  return channel;
}

/**
 * Calls `listener` on every notification on `channel` for `key` (or for any key with "*");
 * resolves once the LISTEN is in place, with the unsubscribe function.
 */
export async function subscribe(
  channel: string,
  key: string,
  listener: Listener,
): Promise<() => void> {
  const c = channelOf(await bus(), channel);
  await c.ready;
  if (key === "*") {
    c.any.add(listener);
    return () => c.any.delete(listener);
  }
  let set = c.byKey.get(key);
  if (!set) {
    set = new Set();
    c.byKey.set(key, set);
    c.generations.set(key, c.counter);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && c.byKey.get(key) === set) {
      c.byKey.delete(key);
      c.generations.delete(key);
    }
  };
}

function channelIfOpen(channel: string): Channel | undefined {
  return globalForBus.flowchatLiveBus?.channels.get(channel);
}

type Flight = { gen: number; promise: Promise<unknown>; expiry?: NodeJS.Timeout };
const flights = new Map<string, Flight>();
/** How long a settled read stays shareable (while no newer notification arrived). */
const KEEP_MS = 1_000;
let readCount = 0;

/**
 * `read()` once for every caller asking for the same `what` (e.g. "events after seq 12") of
 * the same `key` (a run or thread id on `channel`): a read started after the key's latest
 * notification arrived already holds what it announced, so later callers share it (in flight
 * or settled less than a second ago); a newer notification starts a new read. Callers must
 * treat the result as read-only.
 */
export function sharedRead<T>(
  channel: string,
  key: string,
  what: string,
  read: () => Promise<T>,
): Promise<T> {
  const c = channelIfOpen(channel);
  const flightKey = `${channel}:${key}:${what}`;
  const hit = flights.get(flightKey);
  const notifiedAt = c?.generations.get(key);
  if (hit && notifiedAt !== undefined && hit.gen >= notifiedAt) return hit.promise as Promise<T>;
  if (hit?.expiry) clearTimeout(hit.expiry);
  readCount += 1;
  const promise = read();
  const flight: Flight = { gen: c?.counter ?? -1, promise };
  flights.set(flightKey, flight);
  const forget = () => {
    flight.expiry = setTimeout(() => {
      if (flights.get(flightKey) === flight) flights.delete(flightKey);
    }, KEEP_MS);
    flight.expiry.unref?.();
  };
  promise.then(forget, () => {
    if (flights.get(flightKey) === flight) flights.delete(flightKey);
  });
  return promise;
}

/** Shared reads started so far in this process (the bench and tests count them). */
export function sharedReadCount(): number {
  return readCount;
}
