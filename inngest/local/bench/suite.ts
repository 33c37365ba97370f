// What a bench suite is and how it reports: one metric per call (median values), printed by
// index.ts as a JSON line (--json) or in the human table. Shared helpers for suites.
import postgres from "postgres";
import { type DbHandle, openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import type { Engine } from "../engine";
import { inProcessFetch } from "../in-process-fetch";

export type BenchDriver = "postgres" | "pglite";
export type BenchUnit = "ms" | "steps/s" | "runs/s" | "jobs/s" | "ratio";

export type BenchMetric = {
  suite: string;
  driver: BenchDriver;
  metric: string;
  value: number;
  unit: BenchUnit;
};

export type SuiteOptions = {
  /** The drivers asked for (BENCH_DRIVERS, default both); a suite may skip one and say so. */
  drivers: BenchDriver[];
  /** Rounds per measurement (BENCH_REPEAT). */
  repeat: number;
  /** Records one figure (a median). */
  report(metric: Omit<BenchMetric, "suite">): void;
  /** A human line: printed without --json, on stderr with it. */
  log(line: string): void;
};

/** A suite: `index.ts` lists them by name. */
export type Suite = (options: SuiteOptions) => Promise<void>;

export const ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** A scratch database on the driver, migrated; `drop` removes it. */
export async function openDriver(
  driver: string,
  { max = 10 }: { max?: number } = {},
): Promise<{ db: DbHandle; drop(): Promise<void> }> {
  if (driver === "pglite") {
    const db = await openDatabase({ pgliteDir: process.env.BENCH_PGLITE_DIR ?? "memory://" });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `flowchat_bench_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), max });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      // BENCH_KEEP=1 leaves the database for a look (EXPLAIN) afterwards.
      if (process.env.BENCH_KEEP) {
        console.error(`kept database ${url}`);
        return admin.end();
      }
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * The SDK calls the executor as the app's client does in embedded mode: in-process
 * (in-process-fetch.ts); BENCH_HTTP_CHECKPOINTS=1 sends its checkpoints over loopback HTTP.
 */
export function clientFetch(engine: Engine): typeof fetch {
  return process.env.BENCH_HTTP_CHECKPOINTS
    ? (input, init) => globalThis.fetch(input, init)
    : inProcessFetch(() => engine.api);
}
