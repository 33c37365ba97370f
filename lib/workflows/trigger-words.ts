// A stored plan's trigger in plain words, for the workflow list and the plan card.

import { TriggerSchema } from "@/lib/plan/schema";
import { describeTrigger } from "@/lib/plan/summary";

/** Tolerant of plans saved under older rules: a trigger that no longer reads is "Unknown". */
export function triggerInWords(plan: unknown): string {
  const trigger = TriggerSchema.safeParse(
    plan !== null && typeof plan === "object" && "trigger" in plan ? plan.trigger : undefined,
  );
  if (!trigger.success) return "Unknown trigger";
  try {
    return describeTrigger(trigger.data);
  } catch {
    return "Unknown trigger";
  }
}
