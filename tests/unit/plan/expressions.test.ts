import { describe, expect, it } from "vitest";
import { BindingError, redactedSecrets, resolveBindings } from "@/lib/plan/bindings";
import {
  ExpressionError,
  evaluateExpression,
  expressionUsage,
  isTruthy,
  parseExpression,
} from "@/lib/plan/expression";
import { buildScope } from "@/lib/plan/scope";
import { scanTemplate, wholeBinding } from "@/lib/plan/template";

const berlin = (now: string) => ({ now, timeZone: "Europe/Berlin" });
const newYork = (now: string) => ({ now, timeZone: "America/New_York" });

function scope(extra: Partial<Parameters<typeof buildScope>[0]> = {}) {
  return buildScope({
    trigger: { type: "manual", inputs: { city: "Berlin", days: 3 } },
    steps: {
      fetch: {
        status: "succeeded",
        output: {
          body: [
            { title: "DB down", severity: "sev-1" },
            { title: "Slow", severity: "sev-3" },
          ],
        },
      },
    },
    user: { email: "ada@example.com", name: "Ada" },
    now: "2026-03-28T06:00:00.000Z",
    ...extra,
  });
}

const env = berlin("2026-03-28T06:00:00.000Z");

describe("templates", () => {
  it("splits text and expressions, keeping nested braces inside one expression", () => {
    expect(scanTemplate('a {{ {"x": {"y": 1}} }} b {{ "}}" }}')).toEqual([
      { kind: "text", value: "a " },
      { kind: "expr", source: ' {"x": {"y": 1}} ', offset: 4 },
      { kind: "text", value: " b " },
      { kind: "expr", source: ' "}}" ', offset: 28 },
    ]);
  });

  it("recognises a whole-string binding, with surrounding whitespace", () => {
    expect(wholeBinding("  {{ steps.a.output }} ")).toBe(" steps.a.output ");
    expect(wholeBinding("x {{ steps.a.output }}")).toBeUndefined();
    expect(wholeBinding("{{ a }} and {{ b }}")).toBeUndefined();
  });
});

describe("binding resolution", () => {
  it("interpolates values into text", async () => {
    const input = { text: "Hi {{ user.name }}, {{ $count(steps.fetch.output.body) }} open" };
    expect(await resolveBindings(input, scope(), env)).toEqual({ text: "Hi Ada, 2 open" });
  });

  it("yields the raw value for a whole-string binding", async () => {
    const input = {
      list: "{{ [steps.fetch.output.body[severity = 'sev-1']] }}",
      single: "{{ steps.fetch.output.body[severity = 'sev-1'] }}",
      count: "{{ trigger.inputs.days }}",
      flag: "{{ trigger.inputs.days > 2 }}",
      object: '{{ {"city": trigger.inputs.city} }}',
    };
    expect(await resolveBindings(input, scope(), env)).toEqual({
      list: [{ title: "DB down", severity: "sev-1" }],
      // JSONata unwraps a one-item result; wrap in [ ] to keep a list.
      single: { title: "DB down", severity: "sev-1" },
      count: 3,
      flag: true,
      object: { city: "Berlin" },
    });
  });

  it("renders lists and objects as JSON inside text", async () => {
    const input = { text: "titles={{ steps.fetch.output.body.title }}" };
    expect(await resolveBindings(input, scope(), env)).toEqual({
      text: 'titles=["DB down","Slow"]',
    });
  });

  it("fails a binding to a missing value, naming the path and what its parent holds", async () => {
    await expect(
      resolveBindings({ text: "missing=[{{ trigger.nope }}]" }, scope(), env),
    ).rejects.toThrow(
      'text: {{ trigger.nope }} failed: trigger.nope is missing (trigger has: type, inputs); to allow that, give a default: {{ trigger.nope ?? "n/a" }}',
    );
    await expect(
      resolveBindings({ body: { name: "{{ steps.fetch.output.company.name }}" } }, scope(), env),
    ).rejects.toThrow(
      "body.name: {{ steps.fetch.output.company.name }} failed: steps.fetch.output.company is missing (steps.fetch.output has: body)",
    );
  });

  it("says why a skipped or failed step has no output", async () => {
    const s = scope({
      steps: { check: { status: "skipped", reason: "condition is false: x > 1" } },
    });
    await expect(resolveBindings({ a: "{{ steps.check.output.up }}" }, s, env)).rejects.toThrow(
      'a: {{ steps.check.output.up }} failed: steps.check.output is missing (step "check" was skipped: condition is false: x > 1)',
    );
  });

  it("says when a filter matched nothing", async () => {
    await expect(
      resolveBindings({ a: "{{ steps.fetch.output.body[severity = 'sev-9'] }}" }, scope(), env),
    ).rejects.toThrow("it gave no value (a filter that matches nothing gives no value)");
  });

  it("takes a default with ??, which explains why a value may be missing", async () => {
    const input = {
      text: 'missing=[{{ trigger.nope ?? "" }}] name={{ user.nickname ?? user.name }}',
      list: "{{ steps.fetch.output.body[severity = 'sev-9'] ?? [] }}",
      guarded: "{{ $exists(trigger.nope) ? trigger.nope : 'none' }}",
    };
    expect(await resolveBindings(input, scope(), env)).toEqual({
      text: "missing=[] name=Ada",
      list: [],
      guarded: "none",
    });
  });

  it("keeps null, false, 0 and empty text: only a missing value is an error", async () => {
    const s = scope({ trigger: { type: "webhook", body: { a: null, b: false, c: 0, d: "" } } });
    const input = {
      a: "{{ trigger.body.a }}",
      b: "{{ trigger.body.b }}",
      t: "{{ trigger.body.c }}/{{ trigger.body.d }}",
    };
    expect(await resolveBindings(input, s, env)).toEqual({ a: null, b: false, t: "0/" });
  });

  it("resolves bindings inside nested lists and objects but never in keys", async () => {
    const input = { "{{ user.name }}": [{ deep: "{{ user.email }}" }] };
    expect(await resolveBindings(input, scope(), env)).toEqual({
      "{{ user.name }}": [{ deep: "ada@example.com" }],
    });
  });

  it("reports a failing binding with its path and expression", async () => {
    const input = { headers: { x: "{{ $number('abc') }}" } };
    await expect(resolveBindings(input, scope(), env)).rejects.toThrow(BindingError);
    await expect(resolveBindings(input, scope(), env)).rejects.toThrow(
      /^headers\.x: \{\{ \$number\('abc'\) \}\} failed: /,
    );
  });

  it("substitutes stand-ins for secrets when resolving for display", async () => {
    const s = scope({ secrets: redactedSecrets(["TOKEN"]) });
    expect(await resolveBindings({ auth: "Bearer {{ secrets.TOKEN }}" }, s, env)).toEqual({
      auth: "Bearer [secret:TOKEN]",
    });
  });

  it("exposes item and index in a loop", async () => {
    const s = scope({ item: { title: "Standup" }, index: 2 });
    expect(await resolveBindings({ t: "{{ index + 1 }}. {{ item.title }}" }, s, env)).toEqual({
      t: "3. Standup",
    });
  });

  it("lets lambdas read the root scope (as the weekly reports fixture does)", async () => {
    const s = buildScope({
      trigger: {},
      now: env.now,
      steps: {
        teams: { status: "succeeded", output: { value: [{ name: "core" }, { name: "web" }] } },
        reports: {
          status: "succeeded",
          output: [{ status: "succeeded", output: { url: "u1" } }, { status: "failed" }],
        },
      },
    });
    const expr =
      "$join($map(steps.reports.output, function($r, $i) { steps.teams.output.value[$i].name & ':' & ($r.status = 'succeeded' ? $r.output.url : 'failed') }), ',')";
    expect(await evaluateExpression(expr, s, env)).toBe("core:u1,web:failed");
  });
});

describe("determinism", () => {
  it("binds $now() and $millis() to the logical time, not the clock", async () => {
    const result = await evaluateExpression("[$now(), $millis(), now]", scope(), env);
    expect(result).toEqual([
      "2026-03-28T06:00:00.000Z",
      Date.parse("2026-03-28T06:00:00Z"),
      "2026-03-28T06:00:00.000Z",
    ]);
  });

  it("formats $now() with a picture from the logical time", async () => {
    expect(await evaluateExpression("$now('[Y0001]-[M01]-[D01]')", scope(), env)).toBe(
      "2026-03-28",
    );
  });

  it("gives the same answer on every evaluation (replay)", async () => {
    const expr = "$minutesUntil($atLocalTime('08:30')) > 60 ? 'early' : 'late'";
    const results = await Promise.all(
      Array.from({ length: 5 }, () => evaluateExpression(expr, scope(), env)),
    );
    // 07:00 in Berlin: 08:30 is 90 minutes away, on every replay.
    expect(new Set(results)).toEqual(new Set(["early"]));
  });

  it("refuses $random() at evaluation too", async () => {
    await expect(evaluateExpression("$random()", scope(), env)).rejects.toThrow(/not allowed/);
  });

  it("stops an expression that loops forever", async () => {
    const started = Date.now();
    await expect(
      evaluateExpression("($f := function($x) { $f($x + 1) }; $f(0))", scope(), env),
    ).rejects.toThrow(ExpressionError);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("date helpers in the plan's time zone", () => {
  it("reads local date and time in Berlin around the spring-forward night", async () => {
    // 29 March 2026, 02:00 CET → 03:00 CEST.
    expect(
      await evaluateExpression(
        "[$localDate(), $localTime()]",
        scope(),
        berlin("2026-03-29T00:59:00Z"),
      ),
    ).toEqual(["2026-03-29", "01:59"]);
    expect(await evaluateExpression("$localTime()", scope(), berlin("2026-03-29T01:00:00Z"))).toBe(
      "03:00",
    );
  });

  it("places 08:30 local on the right instant before and after the change", async () => {
    expect(
      await evaluateExpression("$atLocalTime('08:30')", scope(), berlin("2026-03-28T05:00:00Z")),
    ).toBe("2026-03-28T07:30:00.000Z");
    expect(
      await evaluateExpression("$atLocalTime('08:30')", scope(), berlin("2026-03-29T05:00:00Z")),
    ).toBe("2026-03-29T06:30:00.000Z");
    expect(
      await evaluateExpression("$atLocalTime('08:30', 1)", scope(), berlin("2026-03-28T05:00:00Z")),
    ).toBe("2026-03-29T06:30:00.000Z");
  });

  it("moves a time inside the spring-forward gap to after it", async () => {
    expect(
      await evaluateExpression("$atLocalTime('02:30')", scope(), berlin("2026-03-29T00:00:00Z")),
    ).toBe("2026-03-29T01:30:00.000Z");
  });

  it("takes the first of a time that happens twice when clocks go back", async () => {
    // 25 October 2026: 03:00 CEST → 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    expect(
      await evaluateExpression("$atLocalTime('02:30')", scope(), berlin("2026-10-24T22:30:00Z")),
    ).toBe("2026-10-25T00:30:00.000Z");
  });

  it("knows a local day can be 23 hours long", async () => {
    const result = await evaluateExpression(
      "[$startOfLocalDay(), $startOfLocalDay(now, 1)]",
      buildScope({ trigger: {}, steps: {}, now: "2026-03-29T10:00:00.000Z" }),
      berlin("2026-03-29T10:00:00.000Z"),
    );
    expect(result).toEqual(["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
  });

  it("handles New York's change on 8 March 2026", async () => {
    expect(
      await evaluateExpression("$atLocalTime('08:00')", scope(), newYork("2026-03-07T12:00:00Z")),
    ).toBe("2026-03-07T13:00:00.000Z");
    expect(
      await evaluateExpression("$atLocalTime('08:00')", scope(), newYork("2026-03-08T12:00:00Z")),
    ).toBe("2026-03-08T12:00:00.000Z");
    expect(
      await evaluateExpression(
        "$localDateTime('2026-11-01T05:30:00Z')",
        scope(),
        newYork("2026-11-01T00:00:00Z"),
      ),
    ).toBe("2026-11-01T01:30:00-04:00");
    expect(
      await evaluateExpression(
        "$localDateTime('2026-11-01T06:30:00Z')",
        scope(),
        newYork("2026-11-01T00:00:00Z"),
      ),
    ).toBe("2026-11-01T01:30:00-05:00");
  });

  it("adds durations to instants and compares with now", async () => {
    const s = scope();
    expect(await evaluateExpression("$addDuration(now, '1h30m')", s, env)).toBe(
      "2026-03-28T07:30:00.000Z",
    );
    expect(await evaluateExpression("$addDuration(now, '-15m')", s, env)).toBe(
      "2026-03-28T05:45:00.000Z",
    );
    expect(await evaluateExpression("$withinNext('2026-03-28T06:59:00Z', '1h')", s, env)).toBe(
      true,
    );
    expect(await evaluateExpression("$withinNext('2026-03-28T07:00:00Z', '1h')", s, env)).toBe(
      false,
    );
    expect(await evaluateExpression("$weekday()", s, env)).toBe("Saturday");
    expect(await evaluateExpression("$minutesUntil('2026-03-28T07:00:00Z')", s, env)).toBe(60);
  });

  it("explains a bad argument", async () => {
    await expect(evaluateExpression("$addDuration(now, 'soon')", scope(), env)).rejects.toThrow(
      '$addDuration: "soon" is not a duration like "30m" or "-1h"',
    );
  });
});

describe("parsing and references", () => {
  it("reports the position of a syntax error", () => {
    expect(parseExpression("steps.a.output +")).toEqual({
      ok: false,
      message: "Unexpected end of expression",
      position: 16,
    });
  });

  it("finds what an expression reads, including through $$ and inside lambdas", () => {
    const parsed = parseExpression(
      "$map($$.steps.a.output, function($v) { $v & waits.w.url & secrets.K }) ~> $count()",
    );
    if (!parsed.ok) throw new Error("should parse");
    const usage = expressionUsage(parsed.ast);
    expect(usage.references).toEqual(
      expect.arrayContaining([
        { root: "steps", name: "a", field: "output" },
        { root: "waits", name: "w", field: "url" },
        { root: "secrets", name: "K", field: undefined },
      ]),
    );
    expect(usage.functions).toEqual(expect.arrayContaining(["map", "count"]));
  });

  it("casts conditions the way JSONata's $boolean does", () => {
    expect([undefined, null, 0, "", [], {}, [0, ""]].map(isTruthy)).toEqual(Array(7).fill(false));
    expect([1, "x", [0, 1], { a: 1 }, true].map(isTruthy)).toEqual(Array(5).fill(true));
  });
});

describe("what an expression reads", () => {
  const usage = (source: string) => {
    const parsed = parseExpression(source);
    if (!parsed.ok) throw new Error(parsed.message);
    return expressionUsage(parsed.ast);
  };

  it("reads item fields inside a filter, not the scope roots of the same name", () => {
    const read = usage(
      "steps.gh.output[user.login = 'octocat' and error = null and index > 2].title",
    );
    expect(read.references).toEqual([{ root: "steps", name: "gh", field: "output" }]);
    expect(read.itemPathsLikeRoots).toEqual([]);
  });

  it("reads the root through $$ anywhere, also inside a filter", () => {
    const read = usage("steps.a.output[id = $$.steps.b.output.id and owner = $$.user.email]");
    expect(read.references).toEqual([
      { root: "steps", name: "a", field: "output" },
      { root: "steps", name: "b", field: "output" },
      { root: "user", name: "email", field: undefined },
    ]);
  });

  it("flags a relative steps path inside a filter as a likely slip for $$", () => {
    expect(usage("steps.a.output[id = steps.b.output.id]").itemPathsLikeRoots).toEqual([
      "steps.b.output.id",
    ]);
  });

  it("treats later path steps as relative: steps.a.output.(user.name)", () => {
    expect(usage("steps.a.output.(user.name)").references).toEqual([
      { root: "steps", name: "a", field: "output" },
    ]);
  });
});
