// Inside a filter, names are fields of each item: GitHub's `user.login`, an `error` or
// `index` field of a record are not the scope roots of the same name.
import { describe, expect, it } from "vitest";
import { basePlan, errorLines, warningLines } from "./helpers";

function withPost(input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const p = basePlan();
  p.steps[1] = { ...p.steps[1], input, ...extra };
  return p;
}

describe("plan validation: fields inside filters", () => {
  it("accepts item fields named user, error and index in filters, in if, forEach and inputs", () => {
    const p = withPost(
      { text: "{{ item.title }} by {{ item.user.login }}" },
      {
        if: "$count(steps.fetch.output.body[error = null]) > 0",
        forEach: "steps.fetch.output.body[user.login = 'octocat' and index < 10]",
        maxItems: 20,
      },
    );
    expect(errorLines(p)).toEqual([]);
    expect(warningLines(p)).toEqual([]);
  });

  it("still checks root paths reached with $$ inside a filter", () => {
    const p = withPost({ text: "{{ steps.fetch.output.body[owner = $$.user.mail] }}" });
    expect(errorLines(p)).toEqual([
      'steps[1].input.text: user.mail: user has id, email, name, timeZone (did you mean "email"?)',
    ]);
  });

  it("warns when a filter reads steps.x, which means a field of each item there", () => {
    const p = withPost({ text: "{{ steps.fetch.output.body[id = steps.fetch.output.first] }}" });
    expect(errorLines(p)).toEqual([]);
    expect(warningLines(p)).toEqual([
      'steps[1].input.text: "steps.fetch.output.first" inside [ ] reads a field of each item, not the run\'s steps; write $$.steps.fetch.output.first to read it from the root',
    ]);
  });
});
