// Readiness: the app answers and its database is open and migrated.
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await (await getDb()).execute(sql`select 1`);
    return Response.json({ ok: true });
  } catch (error) {
    console.error("[health]", error);
    return Response.json({ ok: false, error: "database unavailable" }, { status: 503 });
  }
}
