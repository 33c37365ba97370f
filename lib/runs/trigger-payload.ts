// The `trigger` a run started by hand gets when it stands in for its plan's own trigger: a
// test run, or `plan run --trigger`. The same shapes the real triggers write (webhooks.ts,
// event-triggers.ts, schedules.ts), so a plan reads `trigger.body`, `trigger.data` or
// `trigger.inputs` the same way in a test as in production. Pure.
import type { PlanIssue } from "@/lib/plan/issues";
import { validateManualInputs } from "@/lib/plan/manual-inputs";
import type { Trigger } from "@/lib/plan/schema";

/** What a webhook or event plan is run on: without it, it would run on nothing. */
export const PAYLOAD_WORDS: Record<string, string> = {
  webhook: "the request body",
  event: "the event's data",
};

export type TriggerPayloadResult =
  | { ok: true; trigger: Record<string, unknown> }
  | { ok: false; reason: "inputs"; errors: PlanIssue[] }
  | { ok: false; reason: "payload-needed" | "payload-unused"; message: string };

/**
 * The run's `trigger` for a plan trigger: a manual plan's checked `inputs`; a webhook's request
 * (`payload` is its JSON body); an event (`payload` is its data); a schedule fired now. A
 * webhook or event plan without a payload is refused: it would run on empty data and look fine.
 */
export function triggerPayload(
  trigger: Trigger,
  args: { inputs?: Record<string, unknown>; payload?: unknown; now: Date },
): TriggerPayloadResult {
  const { inputs, payload, now } = args;
  switch (trigger.type) {
    case "manual": {
      if (payload !== undefined) {
        return {
          ok: false,
          reason: "payload-unused",
          message: "This plan starts by hand: give its inputs, not a trigger payload.",
        };
      }
      const checked = validateManualInputs(trigger, inputs ?? {});
      if (!checked.ok) return { ok: false, reason: "inputs", errors: checked.errors };
      return { ok: true, trigger: { type: "manual", inputs: checked.inputs } };
    }
    case "webhook":
    case "event": {
      if (payload === undefined) {
        return {
          ok: false,
          reason: "payload-needed",
          message: `This plan starts from a ${trigger.type}: give ${PAYLOAD_WORDS[trigger.type]} to run it on (without it, it would run on empty data).`,
        };
      }
      return {
        ok: true,
        trigger:
          trigger.type === "webhook"
            ? { type: "webhook", method: "POST", headers: {}, query: {}, body: payload }
            : { type: "event", name: trigger.event, data: payload },
      };
    }
    default:
      if (payload !== undefined) {
        return {
          ok: false,
          reason: "payload-unused",
          message: `This plan runs on a ${trigger.type}: it takes no trigger payload.`,
        };
      }
      // A schedule (or a one-shot time): as if it fired now.
      return { ok: true, trigger: { type: trigger.type, scheduledAt: now.toISOString() } };
  }
}
