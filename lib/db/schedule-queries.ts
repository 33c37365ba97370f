// The schedule tick's watermark: the end of the last minute a tick has looked at.
import "server-only";
import { eq, sql } from "drizzle-orm";
import { queryDb as db } from "./index";
import { schedulerState } from "./schema";

const SCHEDULES = "schedules";

export async function getScheduleWatermark(): Promise<Date | null> {
  const [row] = await (await db())
    .select({ tickedThrough: schedulerState.tickedThrough })
    .from(schedulerState)
    .where(eq(schedulerState.id, SCHEDULES));
  return row?.tickedThrough ?? null;
}

/** Moves the watermark forward to `at` (never back: ticks may finish out of order). */
export async function advanceScheduleWatermark({ at }: { at: Date }): Promise<void> {
  await (await db())
    .insert(schedulerState)
    .values({ id: SCHEDULES, tickedThrough: at })
    .onConflictDoUpdate({
      target: schedulerState.id,
      set: {
        tickedThrough: sql`greatest(${schedulerState.tickedThrough}, excluded.ticked_through)`,
        updatedAt: sql`now()`,
      },
    });
}
