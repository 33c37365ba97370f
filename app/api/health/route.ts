// Readiness: the database is open and migrated, and the workflow engine can run work.
// `{ ok, database: "ok"|"unavailable", engine }`, 503 unless ok; engine is the embedded
// executor's state (embedded-state.ts) or "external" when a real Inngest drives the runs.
import { sql } from "drizzle-orm";
import { usesEmbeddedExecutor } from "@/inngest/client";
import { type EmbeddedEngineState, hostedEngineState } from "@/inngest/local/embedded-state";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

type Health = {
  ok: boolean;
  database: "ok" | "unavailable";
  engine: EmbeddedEngineState | "external";
};

export async function GET() {
  // A process that should host the executor but has none (instrumentation failed) is down.
  const engine = usesEmbeddedExecutor() ? (hostedEngineState() ?? "down") : "external";
  let database: Health["database"] = "ok";
  try {
    await (await getDb()).execute(sql`select 1`);
  } catch (error) {
    database = "unavailable";
    console.error(`[health] database unavailable: ${(error as Error).message}`);
  }
  const ok =
    database === "ok" && (engine === "ok" || engine === "standby" || engine === "external");
  return Response.json({ ok, database, engine } satisfies Health, { status: ok ? 200 : 503 });
}
