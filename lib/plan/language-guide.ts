// The plan language explained for the model's system prompt, generated from the same
// constants the validator uses so the two cannot drift apart.
import { DATE_HELPER_DOCS } from "./date-helpers";
import { APP_EVENTS } from "./events";
import { durationWords } from "./limits";
import {
  LIMIT_DURATION_BOUNDS,
  MAX_CONCURRENCY,
  MAX_FOREACH_ITEMS,
  MAX_RUNS_AT_ONCE,
  MAX_RUNS_PER_PERIOD,
} from "./schema";
import { FAILURE_FIELDS, STEP_RECORD_FIELDS, TRIGGER_FIELDS, USER_FIELDS } from "./scope";

function bounds(which: keyof typeof LIMIT_DURATION_BOUNDS): string {
  const [min, max] = LIMIT_DURATION_BOUNDS[which];
  return `${durationWords(min)} to ${durationWords(max)}`;
}

export function planLanguageGuide(): string {
  const triggers = Object.entries(TRIGGER_FIELDS)
    .map(([type, fields]) => `${type}: ${fields.join(", ")}`)
    .join("; ");
  return [
    "Plan language v1 (JSON). Expressions are JSONata.",
    '- "{{ expr }}" inside a string interpolates; a string that is exactly "{{ expr }}" passes the raw value (list, object, number).',
    "- if and forEach are bare expressions (no {{ }}). A false if skips the step; its dependents still run unless their own if says otherwise.",
    '- Otherwise: "else": "<id>" makes a step the otherwise branch of step <id> (which must have an if): exactly one of the two runs. It waits for <id>\'s decision (no need to list <id> in after); never write the negated condition by hand. For "else if", give the otherwise step its own if and let a third step be its else. If the condition compares a value that is missing, the step fails naming the path: test it with $exists(x) or give a default (x ?? 0).',
    "- A binding must find a value: a missing field fails the step and names the path. To allow a missing value give a default: \"{{ x ?? 'n/a' }}\" (?? uses the right side when x does not exist; $exists(x) ? x : 'n/a' is the same). A filter that matches nothing gives no value: \"{{ list[cond] ?? [] }}\".",
    `- Scope: trigger (${triggers}), steps.<id>.{${STEP_RECORD_FIELDS.join(", ")}} (only steps listed in after, directly or transitively), item and index (in forEach steps), user.{${USER_FIELDS.join(", ")}}, now (the run's time), secrets.<NAME> (inputs only), waits.<waitStepId>.url (resume URL of a wait step, usable by any step, e.g. in an email link), error.{${FAILURE_FIELDS.join(", ")}} (onFailure steps).`,
    "- Step ids are identifiers (letters, digits, _). Inside [filters] paths are fields of each item (list[user.login = 'x'] reads the item's user, not the person): use $$.steps.x, $$.trigger… to reach the root.",
    `- Events (event trigger, wait.event's event) must be ones the app emits: ${APP_EVENTS.map((event) => `${event.name} (${event.description}; data: ${Object.keys(event.data).join(", ")})`).join("; ")}. For anything else use a webhook trigger or a wait's resume URL.`,
    "- A filter that matches one item returns the item, not a list; wrap in [ ] to keep a list.",
    "- workflow.run: input.workflow is the other workflow's id, or its exact title (saving the plan replaces a title with the id; an unknown or ambiguous title is an error that lists the person's workflows).",
    `- forEach needs maxItems (≤ ${MAX_FOREACH_ITEMS}); concurrency ≤ ${MAX_CONCURRENCY}. Output of a loop step is the list of item outputs in order.`,
    '- Durations: "30s", "5m", "1h30m", "2d". Local times "HH:MM" are in the plan\'s time zone.',
    '- Once, at a given time ("remind me in 20 minutes", "on 3 March at 9"): trigger { "type": "once", "at": "2026-03-03T09:00", "timezone": "<the person\'s zone>" }: it runs once at that local date and time, then never again. Compute "at" from the current date and time you are given ("in 20 minutes" = that time + 20 minutes; a day without a year is the next one to come) and never write a time that has passed. Anything that repeats is a schedule (cron).',
    `- Limits of the whole workflow, only when the person asks for them: "limits": { "concurrency": N (at most N runs at once, ≤ ${MAX_RUNS_AT_ONCE}; more wait their turn), "rate": { "limit": N, "period": "1h" } (at most N runs per period, ${bounds("rate")}; ≤ ${MAX_RUNS_PER_PERIOD}), "debounce": "5m" (webhook/event triggers: "wait for the burst to settle", runs once with the last delivery, ${bounds("debounce")}), "singleton": "skip" | "replace" ("don't run twice at once", "no overlap": skip a new run while one is going, or cancel the one going and run the new one), "timeout": "10m" (a run still going after that fails, ${bounds("timeout")}) }. N is at least 1.`,
    '- Duplicate deliveries ("ignore duplicate deliveries", "the sender retries", "only once per order"): on a webhook or event trigger, "idempotencyKey": "{{ trigger.body.id }}" (a template over trigger only, naming the delivery: for webhooks usually a body field or a header like {{ trigger.headers.`x-delivery-id` }}, for events a trigger.data field); a delivery whose key was seen in the last 24 h is ignored.',
    "- $now() and $millis() are the run's logical time; $random() and $eval() are not allowed.",
    "- Date helpers (plan time zone, DST-correct):",
    ...Object.values(DATE_HELPER_DOCS).map((doc) => `  ${doc}`),
  ].join("\n");
}
