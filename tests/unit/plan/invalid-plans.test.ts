// Invalid plans and the exact message a person (or the model, repairing its plan) reads.
import { describe, expect, it } from "vitest";
import { basePlan, errorLines, type PlanJson } from "./helpers";

interface InvalidCase {
  name: string;
  plan: (base: PlanJson) => unknown;
  errors: string[];
  secrets?: string[];
}

const cases: InvalidCase[] = [
  {
    name: "not json",
    plan: () => "{ nope",
    errors: [
      "(plan): the plan is not valid JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)",
    ],
  },
  {
    name: "array",
    plan: () => [],
    errors: ["(plan): a plan must be a JSON object, got a list"],
  },
  {
    name: "a plan over the size limit",
    plan: (p) => ({ ...p, summary: "x".repeat(300 * 1024) }),
    errors: ["(plan): the plan is 301 KB of JSON; a plan may be at most 256 KB"],
  },
  {
    name: "a plan nested absurdly deep",
    plan: (p) => {
      let value: unknown = "bottom";
      for (let i = 0; i < 10_000; i++) value = { a: value };
      return { ...p, steps: [{ ...(p.steps as object[])[0], input: { value } }] };
    },
    errors: [`steps[0].input.value${".a".repeat(28)}: nests deeper than 32 levels; flatten it`],
  },
  {
    name: "version",
    plan: (p) => ({ ...p, version: 2 }),
    errors: ["version: must be 1, got the number 2"],
  },
  {
    name: "missing title",
    plan: (p) => {
      delete p.title;
      return p;
    },
    errors: ["title: is required (text)"],
  },
  {
    name: "unknown top field",
    plan: (p) => ({ ...p, name: "x" }),
    errors: ['(plan): unknown field "name" (did you mean "title"?)'],
  },
  {
    name: "bad trigger type",
    plan: (p) => ({ ...p, trigger: { type: "cronjob" } }),
    errors: [
      'trigger.type: must be one of "manual", "schedule", "once", "webhook", "event", got "cronjob"',
    ],
  },
  {
    name: "schedule no tz",
    plan: (p) => ({ ...p, trigger: { type: "schedule", cron: "0 8 * * *" } }),
    errors: ["trigger.timezone: is required (text)"],
  },
  {
    name: "bad tz",
    plan: (p) => ({
      ...p,
      trigger: { type: "schedule", cron: "0 8 * * *", timezone: "Europe/Berln" },
    }),
    errors: [
      'trigger.timezone: "Europe/Berln" is not an IANA time zone (did you mean "Europe/Berlin"?)',
    ],
  },
  {
    name: "bad plan tz",
    plan: (p) => ({ ...p, timezone: "Mars/Olympus" }),
    errors: [
      'timezone: "Mars/Olympus" is not an IANA time zone (use a name like "Europe/Berlin" or "America/New_York")',
    ],
  },
  {
    name: "cron 6 fields",
    plan: (p) => ({ ...p, trigger: { type: "schedule", cron: "0 30 7 * * *", timezone: "UTC" } }),
    errors: [
      'trigger.cron: "0 30 7 * * *" has 6 fields; use 5: minute hour day-of-month month day-of-week (e.g. "30 7 * * 1-5")',
    ],
  },
  {
    name: "cron bad minute",
    plan: (p) => ({ ...p, trigger: { type: "schedule", cron: "61 7 * * *", timezone: "UTC" } }),
    errors: [
      'trigger.cron: "61 7 * * *" is not a valid cron expression: Invalid value for minute: 61',
    ],
  },
  {
    name: "cron garbage",
    plan: (p) => ({ ...p, trigger: { type: "schedule", cron: "every day", timezone: "UTC" } }),
    errors: [
      'trigger.cron: "every day" has 2 fields; use 5: minute hour day-of-month month day-of-week (e.g. "30 7 * * 1-5")',
    ],
  },
  {
    name: "empty steps",
    plan: (p) => ({ ...p, steps: [] }),
    errors: ["steps: needs at least 1 item"],
  },
  {
    name: "step id dash",
    plan: (p) => {
      p.steps[0].id = "fetch-data";
      return p;
    },
    errors: [
      "steps[0].id: must start with a letter and use only letters, digits and _ (it is written as steps.<id> in expressions)",
    ],
  },
  {
    name: "step id reserved",
    plan: (p) => {
      p.steps[0].id = "and";
      return p;
    },
    errors: ["steps[0].id: must not be one of the words and, or, in, true, false, null, function"],
  },
  {
    name: "dependsOn",
    plan: (p) => {
      p.steps[1].dependsOn = ["fetch"];
      return p;
    },
    errors: ['steps[1]: unknown field "dependsOn" (did you mean "after"?)'],
  },
  {
    name: "onError bad",
    plan: (p) => {
      p.steps[0].onError = "ignore";
      return p;
    },
    errors: ['steps[0].onError: must be one of "fail", "continue", got "ignore"'],
  },
  {
    name: "retry attempts 0",
    plan: (p) => {
      p.steps[0].retry = { attempts: 0 };
      return p;
    },
    errors: ["steps[0].retry.attempts: must be at least 1"],
  },
  {
    name: "retry backoff bad",
    plan: (p) => {
      p.steps[0].retry = { attempts: 2, backoff: "linear" };
      return p;
    },
    errors: ['steps[0].retry.backoff: must be one of "none", "fixed", "exponential", got "linear"'],
  },
  {
    name: "timeout bad",
    plan: (p) => {
      p.steps[0].timeout = "30 seconds";
      return p;
    },
    errors: [
      'steps[0].timeout: "30 seconds" is not a duration like "30s", "5m", "1h30m" or "2d" (units: ms, s, m, h, d, w)',
    ],
  },
  {
    name: "timeout zero",
    plan: (p) => {
      p.steps[0].timeout = "0s";
      return p;
    },
    errors: ['steps[0].timeout: "0s" must be longer than zero'],
  },
  {
    name: "retry delay bad",
    plan: (p) => {
      p.steps[0].retry = { attempts: 2, delay: "soon" };
      return p;
    },
    errors: [
      'steps[0].retry.delay: "soon" is not a duration like "30s", "5m", "1h30m" or "2d" (units: ms, s, m, h, d, w)',
    ],
  },
  {
    name: "duplicate id",
    plan: (p) => {
      p.steps[1].id = "fetch";
      p.steps[1].after = [];
      return p;
    },
    errors: ['steps[1].id: duplicate step id "fetch" (also steps[0]); every step needs its own id'],
  },
  {
    name: "after unknown",
    plan: (p) => {
      p.steps[1].after = ["fecth"];
      return p;
    },
    errors: ['steps[1].after[0]: unknown step "fecth" (did you mean "fetch"?)'],
  },
  {
    name: "after self",
    plan: (p) => {
      p.steps[1].after = ["post"];
      return p;
    },
    errors: ['steps[1].after[0]: step "post" cannot run after itself'],
  },
  {
    name: "cycle 2",
    plan: (p) => {
      p.steps[0].after = ["post"];
      return p;
    },
    errors: [
      'steps[0].after: dependency cycle: fetch → post → fetch; remove one of these "after" entries',
    ],
  },
  {
    name: "cycle 3",
    plan: (p) => ({
      ...p,
      steps: [
        { id: "a", action: "transform", after: ["c"], input: { value: 1 } },
        { id: "b", action: "transform", after: ["a"], input: { value: 1 } },
        { id: "c", action: "transform", after: ["b"], input: { value: 1 } },
      ],
    }),
    errors: [
      'steps[0].after: dependency cycle: a → b → c → a; remove one of these "after" entries',
    ],
  },
  {
    name: "unknown action near",
    plan: (p) => {
      p.steps[0].action = "http.get";
      return p;
    },
    errors: ['steps[0].action: unknown action "http.get" (did you mean "http.request"?)'],
  },
  {
    name: "unknown action far",
    plan: (p) => {
      p.steps[0].action = "teleport";
      return p;
    },
    errors: [
      'steps[0].action: unknown action "teleport"; available: http.request, ai.generate, transform, chat.post, email.send, slack.post, mcp.call, store.get, store.set, workflow.run, wait.delay, wait.until, wait.approval, wait.event',
    ],
  },
  {
    name: "input missing url",
    plan: (p) => {
      p.steps[0].input = {};
      return p;
    },
    errors: ["steps[0].input.url: is required (text)"],
  },
  {
    name: "input bad url",
    plan: (p) => {
      p.steps[0].input = { url: "ftp://x" };
      return p;
    },
    errors: ["steps[0].input.url: must be an http:// or https:// URL"],
  },
  {
    name: "input unknown field",
    plan: (p) => {
      p.steps[0].input = { url: "https://x.io", verb: "GET" };
      return p;
    },
    errors: [
      'steps[0].input: unknown field "verb"; allowed: url, method, headers, query, body, responseType',
    ],
  },
  {
    name: "input bad method",
    plan: (p) => {
      p.steps[0].input = { url: "https://x.io", method: "FETCH" };
      return p;
    },
    errors: [
      'steps[0].input.method: must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", got "FETCH"',
    ],
  },
  {
    name: "input wrong type literal",
    plan: (p) => {
      p.steps[0].input = { url: "https://x.io", headers: "x" };
      return p;
    },
    errors: ['steps[0].input.headers: expected an object, got "x"'],
  },
  {
    name: "interp into object",
    plan: (p) => {
      p.steps[0].input = { url: "https://x.io", headers: "h: {{ trigger.type }}" };
      return p;
    },
    errors: [
      'steps[0].input.headers: expected an object, got "h: {{ trigger.type }}" (text around a {{ }} binding makes it text; write the whole value as "{{ expr }}" to pass the raw value)',
    ],
  },
  {
    name: "email missing body",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "email.send",
        after: ["fetch"],
        input: { to: "a@b.co", subject: "x" },
      };
      return p;
    },
    errors: ["steps[1].input: needs a body: give text or html"],
  },
  {
    name: "email bad to",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "email.send",
        after: ["fetch"],
        input: { to: "nobody", subject: "x", text: "y" },
      };
      return p;
    },
    errors: ["steps[1].input.to: must be an email address"],
  },
  {
    name: "syntax binding",
    plan: (p) => {
      p.steps[1].input = { text: "{{ steps.fetch.output. }}" };
      return p;
    },
    errors: [
      "steps[1].input.text: cannot parse {{ steps.fetch.output. }}: Unexpected end of expression (at character 21)",
    ],
  },
  {
    name: "syntax if",
    plan: (p) => {
      p.steps[1].if = "$count(steps.fetch.output.body) >";
      return p;
    },
    errors: [
      'steps[1].if: cannot parse "$count(steps.fetch.output.body) >": Unexpected end of expression (at character 33)',
    ],
  },
  {
    name: "unclosed",
    plan: (p) => {
      p.steps[1].input = { text: "Hi {{ steps.fetch.output" };
      return p;
    },
    errors: ['steps[1].input.text: "{{" at character 4 is never closed with "}}"'],
  },
  {
    name: "if with braces",
    plan: (p) => {
      p.steps[1].if = "{{ steps.fetch.output.status = 200 }}";
      return p;
    },
    errors: ["steps[1].if: write if as a bare expression, without {{ }}"],
  },
  {
    name: "not upstream",
    plan: (p) => {
      p.steps[1].after = [];
      return p;
    },
    errors: [
      'steps[1].input.text: steps.fetch: "fetch" is not upstream of "post", so its result may not exist yet; add "fetch" to steps[1].after',
    ],
  },
  {
    name: "unknown step ref",
    plan: (p) => {
      p.steps[1].input = { text: "{{ steps.fecth.output.body }}" };
      return p;
    },
    errors: ['steps[1].input.text: steps.fecth: no step has id "fecth" (did you mean "fetch"?)'],
  },
  {
    name: "step field wrong",
    plan: (p) => {
      p.steps[1].input = { text: "{{ steps.fetch.body }}" };
      return p;
    },
    errors: [
      "steps[1].input.text: steps.fetch.body: a step has output, status, error, reason; did you mean steps.fetch.output.body?",
    ],
  },
  {
    name: "own output",
    plan: (p) => {
      p.steps[1].input = { text: "{{ steps.post.output }}" };
      return p;
    },
    errors: ["steps[1].input.text: steps.post: a step cannot read its own result"],
  },
  {
    name: "unknown wait",
    plan: (p) => {
      p.steps[1].input = { text: "{{ waits.approve.url }}" };
      return p;
    },
    errors: [
      'steps[1].input.text: waits.approve: no step has id "approve"; the plan has no wait steps',
    ],
  },
  {
    name: "wait not wait",
    plan: (p) => {
      p.steps[1].input = { text: "{{ waits.fetch.url }}" };
      return p;
    },
    errors: [
      'steps[1].input.text: waits.fetch: "fetch" runs http.request, not a wait; only wait.* steps have a resume URL',
    ],
  },
  {
    name: "item outside",
    plan: (p) => {
      p.steps[1].input = { text: "{{ item.title }}" };
      return p;
    },
    errors: ["steps[1].input.text: item: only available in a step with forEach"],
  },
  {
    name: "item in forEach",
    plan: (p) => {
      Object.assign(p.steps[1], { forEach: "item.list", maxItems: 5 });
      return p;
    },
    errors: ["steps[1].forEach: item: the forEach expression is evaluated before there is an item"],
  },
  {
    name: "item in if of loop",
    plan: (p) => {
      Object.assign(p.steps[1], {
        forEach: "steps.fetch.output.body",
        maxItems: 5,
        if: "item.open",
      });
      return p;
    },
    errors: [
      'steps[1].if: item: if is checked once for the whole step; to skip some items, filter the list in forEach (e.g. "list[condition]")',
    ],
  },
  {
    name: "forEach no bound",
    plan: (p) => {
      p.steps[1].forEach = "steps.fetch.output.body";
      return p;
    },
    errors: ["steps[1].maxItems: a loop needs maxItems, the most items it may run (at most 1000)"],
  },
  {
    name: "forEach too big",
    plan: (p) => {
      Object.assign(p.steps[1], { forEach: "steps.fetch.output.body", maxItems: 5000 });
      return p;
    },
    errors: ["steps[1].maxItems: must be at most 1000, the largest loop a plan may run; got 5000"],
  },
  {
    name: "concurrency too big",
    plan: (p) => {
      Object.assign(p.steps[1], {
        forEach: "steps.fetch.output.body",
        maxItems: 5,
        concurrency: 50,
      });
      return p;
    },
    errors: ["steps[1].concurrency: must be at most 20"],
  },
  {
    name: "wait loop",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.delay",
        after: ["fetch"],
        forEach: "steps.fetch.output.body",
        maxItems: 3,
        input: { duration: "1m" },
      };
      return p;
    },
    errors: [
      'steps[1].forEach: a wait step cannot loop ("wait.delay" has one resume URL); loop over the steps before or after it',
    ],
  },
  {
    name: "wait bad duration",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.delay",
        after: ["fetch"],
        input: { duration: "1 hour" },
      };
      return p;
    },
    errors: [
      'steps[1].input.duration: "1 hour" is not a duration like "30s", "5m", "1h30m" or "2d" (units: ms, s, m, h, d, w)',
    ],
  },
  {
    name: "wait until bad",
    plan: (p) => {
      p.steps[1] = { id: "post", action: "wait.until", after: ["fetch"], input: { at: "8am" } };
      return p;
    },
    errors: [
      'steps[1].input.at: must be a local time like "08:00" or an ISO instant with a zone like "2026-03-30T08:00:00+02:00"',
    ],
  },
  {
    name: "wait event no deadline",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.event",
        after: ["fetch"],
        input: { event: "workflow/run.finished" },
      };
      return p;
    },
    errors: ['steps[1].input: needs a deadline: give timeout (like "30m") or until (like "08:30")'],
  },
  {
    name: "wait event bad match",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.event",
        after: ["fetch"],
        input: { event: "workflow/run.finished", timeout: "1h", match: "event.data.id =" },
      };
      return p;
    },
    errors: [
      'steps[1].input.match: cannot parse "event.data.id =": Unexpected end of expression (at character 15)',
    ],
  },
  {
    name: "random",
    plan: (p) => {
      p.steps[1].if = "$random() > 0.5";
      return p;
    },
    errors: [
      "steps[1].if: $random() is not allowed: a run must take the same branch every time it is replayed; derive variety from the data instead",
    ],
  },
  {
    name: "eval",
    plan: (p) => {
      p.steps[1].input = { text: "{{ $eval(steps.fetch.output.body) }}" };
      return p;
    },
    errors: [
      "steps[1].input.text: $eval() is not allowed: it would run text from step outputs as an expression",
    ],
  },
  {
    name: "unknown secret",
    plan: (p) => {
      p.steps[0].input = {
        url: "https://x.io",
        headers: { Authorization: "Bearer {{ secrets.TOKN }}" },
      };
      return p;
    },
    errors: [
      'steps[0].input.headers.Authorization: secrets.TOKN: no secret named "TOKN" (did you mean "TOKEN"?); stored secrets: TOKEN, SLACK_WEBHOOK',
    ],
    secrets: ["TOKEN", "SLACK_WEBHOOK"],
  },
  {
    name: "no secrets",
    plan: (p) => {
      p.steps[0].input = {
        url: "https://x.io",
        headers: { Authorization: "Bearer {{ secrets.TOKEN }}" },
      };
      return p;
    },
    errors: [
      'steps[0].input.headers.Authorization: secrets.TOKEN: no secrets are stored yet; add a secret named "TOKEN" first',
    ],
    secrets: [],
  },
  {
    name: "secret in if",
    plan: (p) => {
      p.steps[1].if = "secrets.TOKEN = 'x'";
      return p;
    },
    errors: [
      "steps[1].if: secrets.TOKEN: secrets can only be used in step inputs, not in if, forEach or match",
    ],
  },
  {
    name: "error outside onFailure",
    plan: (p) => {
      p.steps[1].input = { text: "{{ error.message }}" };
      return p;
    },
    errors: ["steps[1].input.text: error: only available in onFailure steps"],
  },
  {
    name: "trigger field",
    plan: (p) => {
      p.steps[1].input = { text: "{{ trigger.body.name }}" };
      return p;
    },
    errors: ["steps[1].input.text: trigger.body: a schedule trigger has type, scheduledAt"],
  },
  {
    name: "manual input unknown",
    plan: (p) => ({
      ...p,
      trigger: { type: "manual", inputs: { city: { type: "string" } } },
      steps: [{ id: "a", action: "chat.post", input: { text: "{{ trigger.inputs.cty }}" } }],
    }),
    errors: [
      'steps[0].input.text: trigger.inputs.cty: no input named "cty" (did you mean "city"?); declared inputs: city',
    ],
  },
  {
    name: "manual no inputs",
    plan: (p) => ({
      ...p,
      trigger: { type: "manual" },
      steps: [{ id: "a", action: "chat.post", input: { text: "{{ trigger.inputs.city }}" } }],
    }),
    errors: [
      'steps[0].input.text: trigger.inputs.city: the manual trigger declares no inputs; add "city" to trigger.inputs',
    ],
  },
  {
    name: "manual default wrong",
    plan: (p) => ({
      ...p,
      trigger: { type: "manual", inputs: { days: { type: "integer", default: "3" } } },
    }),
    errors: ['trigger.inputs.days.default: expected a whole number, got "3"'],
  },
  {
    name: "user field",
    plan: (p) => {
      p.steps[1].input = { text: "{{ user.mail }}" };
      return p;
    },
    errors: [
      'steps[1].input.text: user.mail: user has id, email, name, timeZone (did you mean "email"?)',
    ],
  },
  {
    name: "event trigger if steps",
    plan: (p) => ({
      ...p,
      trigger: { type: "event", event: "workflow/run.finished", if: "steps.fetch.output" },
    }),
    errors: [
      "trigger.if: steps: the trigger condition is checked before any step runs; it can read trigger, user and now",
    ],
  },
  {
    name: "onFailure after main",
    plan: (p) => ({
      ...p,
      onFailure: [{ id: "tell", action: "chat.post", after: ["post"], input: { text: "x" } }],
    }),
    errors: [
      'onFailure[0].after[0]: "post" is a main step; onFailure steps run after the run failed and can only wait for other onFailure steps (they may still read steps.post)',
    ],
  },
  {
    name: "main after onFailure",
    plan: (p) => {
      p.steps[1].after = ["fetch", "tell"];
      return { ...p, onFailure: [{ id: "tell", action: "chat.post", input: { text: "x" } }] };
    },
    errors: ['steps[1].after[1]: "tell" is an onFailure step; main steps cannot wait for it'],
  },
  {
    name: "main reads onFailure",
    plan: (p) => {
      p.steps[1].input = { text: "{{ steps.tell.output }}" };
      return { ...p, onFailure: [{ id: "tell", action: "chat.post", input: { text: "x" } }] };
    },
    errors: [
      'steps[1].input.text: steps.tell: "tell" is an onFailure step; main steps cannot read it',
    ],
  },
  {
    name: "error field",
    plan: (p) => ({
      ...p,
      onFailure: [{ id: "tell", action: "chat.post", input: { text: "{{ error.reason }}" } }],
    }),
    errors: ["onFailure[0].input.text: error.reason: error has step, message"],
  },
  {
    name: "waits field",
    plan: (p) => ({
      ...p,
      steps: [
        ...p.steps,
        { id: "w", action: "wait.approval", input: { prompt: "ok?", timeout: "1h" } },
        { id: "m", action: "chat.post", input: { text: "{{ waits.w.token }}" } },
      ],
    }),
    errors: ["steps[3].input.text: waits.w.token: a wait exposes only url (waits.w.url)"],
  },
  {
    name: "too many steps",
    plan: (p) => ({
      ...p,
      steps: Array.from({ length: 101 }, (_, i) => ({
        id: `s${i}`,
        action: "transform",
        input: { value: i },
      })),
    }),
    errors: ["steps: has more than 100 items"],
  },
  {
    name: "title too long",
    plan: (p) => ({ ...p, title: "x".repeat(121) }),
    errors: ["title: must be at most 120 characters"],
  },
  {
    name: "dayOffset with instant",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.until",
        after: ["fetch"],
        input: { at: "2026-03-30T08:00:00Z", dayOffset: 1 },
      };
      return p;
    },
    errors: ['steps[1].input.dayOffset: dayOffset only applies to a local time like "08:00"'],
  },
  {
    name: "bare steps",
    plan: (p) => {
      p.steps[1].input = { text: "{{ $count(steps) }}" };
      return p;
    },
    errors: ["steps[1].input.text: steps: name one step, like steps.fetch.output"],
  },
  {
    name: "an event nothing emits",
    plan: (p) => ({ ...p, trigger: { type: "event", event: "support/refund.requested" } }),
    errors: [
      'trigger.event: "support/refund.requested" is not an event the app emits, so nothing would ever start or end it; events: "workflow/run.finished" (one of your other workflows\' runs ended), "workflow/run.failed" (one of your other workflows\' runs failed), "thread/message.posted" (you sent a message in one of your chat threads). For a request from another system use a webhook trigger, or call a wait\'s resume URL (waits.<id>.url)',
    ],
  },
  {
    name: "a wait for an event nothing emits",
    plan: (p) => {
      p.steps[1] = {
        id: "post",
        action: "wait.event",
        after: ["fetch"],
        input: { event: "chat/reaction.added", timeout: "1h" },
      };
      return p;
    },
    errors: [
      'steps[1].input.event: "chat/reaction.added" is not an event the app emits, so nothing would ever start or end it; events: "workflow/run.finished" (one of your other workflows\' runs ended), "workflow/run.failed" (one of your other workflows\' runs failed), "thread/message.posted" (you sent a message in one of your chat threads). For a request from another system use a webhook trigger, or call a wait\'s resume URL (waits.<id>.url)',
    ],
  },
  {
    name: "an event field the event does not carry",
    plan: (p) => ({
      ...p,
      trigger: {
        type: "event",
        event: "workflow/run.finished",
        if: "trigger.data.outcome = 'failed'",
      },
    }),
    errors: [
      'trigger.if: trigger.data.outcome: "workflow/run.finished" carries runId, workflowId, status, error, userId',
    ],
  },
  {
    name: "else naming an unknown step",
    plan: (p) => {
      p.steps[1] = { ...p.steps[1], if: "true" };
      p.steps.push({ id: "other", action: "chat.post", else: "pots", input: { text: "no" } });
      return p;
    },
    errors: [
      'steps[2].else: unknown step "pots" (did you mean "post"?); else names the step whose condition this one is the otherwise of',
    ],
  },
  {
    name: "else naming a step without if",
    plan: (p) => {
      p.steps.push({ id: "other", action: "chat.post", else: "post", input: { text: "no" } });
      return p;
    },
    errors: [
      'steps[2].else: "post" has no if, so it always runs and this step never would; give "post" an if',
    ],
  },
  {
    name: "else naming itself",
    plan: (p) => {
      p.steps[1] = { ...p.steps[1], if: "true", else: "post" };
      return p;
    },
    errors: ["steps[1].else: a step cannot be its own otherwise branch"],
  },
  {
    name: "two otherwise branches of one step",
    plan: (p) => {
      p.steps[1] = { ...p.steps[1], if: "true" };
      p.steps.push({ id: "no1", action: "chat.post", else: "post", input: { text: "a" } });
      p.steps.push({ id: "no2", action: "chat.post", else: "post", input: { text: "b" } });
      return p;
    },
    errors: [
      'steps[3].else: "post" already has an otherwise branch (steps[2]); for a third way, give that branch its own if and an else of its own ("else if")',
    ],
  },
  {
    name: "else across main and onFailure steps",
    plan: (p) => {
      p.steps[1] = { ...p.steps[1], if: "true" };
      return {
        ...p,
        onFailure: [{ id: "tell", action: "chat.post", else: "post", input: { text: "x" } }],
      };
    },
    errors: [
      'onFailure[0].else: "post" is a main step; an otherwise branch must be in the same list as its step',
    ],
  },
  {
    name: "an otherwise branch in a cycle",
    plan: (p) => {
      p.steps[1] = { ...p.steps[1], if: "true" };
      p.steps[0] = { ...p.steps[0], after: ["other"] };
      p.steps.push({ id: "other", action: "chat.post", else: "post", input: { text: "x" } });
      return p;
    },
    errors: [
      'steps[0].after: dependency cycle: fetch → post → other → fetch; remove one of these "after" entries',
    ],
  },
  {
    name: "items on an input that is not an array",
    plan: (p) => ({
      ...p,
      trigger: { type: "manual", inputs: { city: { type: "string", items: { type: "string" } } } },
    }),
    errors: ["trigger.inputs.city.items: only an array input has items; this one is text"],
  },
  {
    name: "an array default with an item of the wrong type",
    plan: (p) => ({
      ...p,
      trigger: {
        type: "manual",
        inputs: { ids: { type: "array", items: { type: "integer" }, default: [1, "two"] } },
      },
    }),
    errors: ['trigger.inputs.ids.default[1]: expected integer, got "two"'],
  },
];

describe("plan validation: invalid plans", () => {
  it("covers at least 40 distinct mistakes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const testCase of cases) {
    it(`rejects: ${testCase.name}`, () => {
      const options = testCase.secrets ? { secrets: testCase.secrets } : {};
      expect(errorLines(testCase.plan(basePlan()), options)).toEqual(testCase.errors);
    });
  }
});
