import { describe, expect, it } from "vitest";
import {
  type ExplainContext,
  explainCondition,
  explainForEach,
  explainPlan,
  explainValue,
  humanize,
  singular,
} from "@/lib/plan/explain";
import { plan } from "./run-simulator";

const titles: Record<string, string> = {
  fetch: "Fetch open incidents",
  lookup: "Look up the company",
  ask: "Ask Dana",
  calendar: "Today's calendar",
  hold: "Wait for the signature",
  read: "Read what was seen",
  check: "Check the site",
  meetings: "Meetings with other people",
};
const context: ExplainContext = {
  nameOf: (id) => titles[id] ?? `step "${id}"`,
  owner: "Post to Slack",
};
const words = (source: string) => explainCondition(source, context).text;

describe("conditions in words", () => {
  it("says a count of filtered items with the step's title and the field's value", () => {
    expect(words('$count(steps.fetch.output.incidents[severity = "sev-1"]) > 0')).toBe(
      'only if at least one incident from Fetch open incidents has severity "sev-1"',
    );
  });

  it("says the other count shapes: none, more than, at least, exactly, not", () => {
    const incidents = 'steps.fetch.output.incidents[severity = "sev-1"]';
    expect(words(`$count(${incidents}) = 0`)).toBe(
      'only if no incident from Fetch open incidents has severity "sev-1"',
    );
    expect(words(`$count(${incidents}) > 3`)).toBe(
      'only if more than 3 incidents from Fetch open incidents have severity "sev-1"',
    );
    expect(words(`$count(${incidents}) >= 2`)).toBe(
      'only if at least 2 incidents from Fetch open incidents have severity "sev-1"',
    );
    expect(words("$count(steps.fetch.output.incidents) = 1")).toBe(
      "only if there is exactly one incident from Fetch open incidents",
    );
    expect(words("$count(steps.fetch.output.incidents) < 5")).toBe(
      "only if there are fewer than 5 incidents from Fetch open incidents",
    );
    expect(words("$count(steps.fetch.output.incidents) != 2")).toBe(
      "only if the number of incidents from Fetch open incidents is not 2",
    );
    expect(words("0 < $count(steps.fetch.output)")).toBe(
      "only if there is at least one item from Fetch open incidents",
    );
  });

  it("calls the items of a generic envelope items, and reads an HTTP body as the step's result", () => {
    expect(words("$count(steps.fetch.output.body[severity = 'sev-1']) > 0")).toBe(
      'only if at least one item from Fetch open incidents has severity "sev-1"',
    );
  });

  it("says each comparison operator", () => {
    const employees = "steps.lookup.output.employeeCount";
    expect(words(`${employees} = 50`)).toBe(
      "only if the employee count from Look up the company is 50",
    );
    expect(words(`${employees} != 50`)).toBe(
      "only if the employee count from Look up the company is not 50",
    );
    expect(words(`${employees} > 50`)).toBe(
      "only if the employee count from Look up the company is greater than 50",
    );
    expect(words(`${employees} >= 50`)).toBe(
      "only if the employee count from Look up the company is at least 50",
    );
    expect(words(`${employees} < 50`)).toBe(
      "only if the employee count from Look up the company is less than 50",
    );
    expect(words(`${employees} <= 50`)).toBe(
      "only if the employee count from Look up the company is at most 50",
    );
    expect(words(`50 < ${employees}`)).toBe(
      "only if the employee count from Look up the company is greater than 50",
    );
  });

  it("says $exists, $not, and, or and in", () => {
    expect(words("$exists(trigger.body.email)")).toBe(
      "only if the email of the request body is present",
    );
    expect(words("$not($exists(trigger.body.email))")).toBe(
      "only if the email of the request body is missing",
    );
    expect(words("trigger.inputs.mode = 'probe' and user.timeZone = 'Europe/Berlin'")).toBe(
      'only if the mode input is "probe" and your time zone is "Europe/Berlin"',
    );
    expect(words("trigger.body.plan = 'pro' or trigger.body.plan = 'team'")).toBe(
      'only if the plan of the request body is "pro" or the plan of the request body is "team"',
    );
    expect(words("trigger.body.plan in ['pro', 'team', 'enterprise']")).toBe(
      'only if the plan of the request body is "pro", "team" or "enterprise"',
    );
    expect(words("$not(trigger.body.plan in ['free', 'trial'])")).toBe(
      'only if the plan of the request body is neither "free" nor "trial"',
    );
    expect(words("$not(steps.lookup.output.size > 50)")).toBe(
      "only if the size from Look up the company is at most 50",
    );
    expect(words("(trigger.body.a = 1 or trigger.body.b = 2) and trigger.body.c = 3")).toBe(
      "only if either the a of the request body is 1 or the b of the request body is 2, and the c of the request body is 3",
    );
  });

  it("says a step's status and a boolean or list field", () => {
    expect(words("steps.fetch.status = 'failed'")).toBe("only if Fetch open incidents failed");
    expect(words("steps.fetch.status != 'succeeded'")).toBe(
      "only if Fetch open incidents did not succeed",
    );
    expect(words("steps.ask.output.approved")).toBe("only if Ask Dana says approved");
    expect(words("$not(steps.ask.output.approved)")).toBe("only if Ask Dana does not say approved");
    expect(words("steps.ask.output.timedOut")).toBe("only if Ask Dana timed out");
    expect(words("steps.ask.output.body.isOpen")).toBe("only if Ask Dana says it is open");
    expect(words("steps.fetch.output.incidents")).toBe(
      "only if there is at least one incident from Fetch open incidents",
    );
    expect(words('steps.fetch.output.incidents[status = "open"]')).toBe(
      'only if at least one incident from Fetch open incidents has status "open"',
    );
  });

  it("says filters with several tests, nested fields, $exists and the item itself", () => {
    expect(
      words('$count(steps.fetch.output.issues[user.login = "octocat" and state != "closed"]) > 0'),
    ).toBe(
      'only if at least one issue from Fetch open incidents has user login "octocat" and does not have state "closed"',
    );
    expect(words("$count(steps.fetch.output.incidents[$exists(assignee)]) = 0")).toBe(
      "only if no incident from Fetch open incidents has an assignee",
    );
    expect(words("$count(steps.fetch.output.tags[$ = 'urgent']) > 0")).toBe(
      'only if at least one tag from Fetch open incidents is "urgent"',
    );
    expect(words("$count(steps.fetch.output.incidents[minutes > 30]) > 0")).toBe(
      "only if at least one incident from Fetch open incidents has more than 30 minutes",
    );
  });

  it("says what a wait, an approval or a read did, compared with true or false or not", () => {
    expect(words("steps.hold.output.timedOut = false")).toBe(
      "only if Wait for the signature did not time out",
    );
    expect(words("$not(steps.hold.output.timedOut)")).toBe(
      "only if Wait for the signature did not time out",
    );
    expect(words("steps.hold.output.timedOut = true")).toBe(
      "only if Wait for the signature timed out",
    );
    expect(words("steps.hold.output.timedOut != true")).toBe(
      "only if Wait for the signature did not time out",
    );
    expect(words("steps.ask.output.approved = false")).toBe(
      "only if Ask Dana does not say approved",
    );
    expect(words("steps.ask.output.approved = true")).toBe("only if Ask Dana says approved");
    expect(words("steps.read.output.found")).toBe("only if Read what was seen found a value");
    expect(words("$not(steps.read.output.found)")).toBe(
      "only if Read what was seen found no value",
    );
    expect(words("steps.check.output.hasStock = false")).toBe(
      "only if Check the site says it has no stock",
    );
    expect(words("steps.check.output.canRetry")).toBe("only if Check the site says it can retry");
  });

  it("says numbers with their units, and counts a plural field", () => {
    expect(words("steps.check.output.latencyMs > 500")).toBe(
      "only if the latency from Check the site is greater than 500 ms",
    );
    expect(words("steps.check.output.durationSeconds <= 30")).toBe(
      "only if the duration from Check the site is at most 30 seconds",
    );
    expect(words("steps.check.output.uptimeDays = 1")).toBe(
      "only if the uptime from Check the site is 1 day",
    );
    expect(words("steps.check.output.cpuPercent >= 90")).toBe(
      "only if the cpu percent from Check the site is at least 90%",
    );
    expect(words("steps.check.output.body.sizeBytes < 1024")).toBe(
      "only if the size from Check the site is less than 1024 bytes",
    );
    expect(words("steps.lookup.output.body.employees > 50")).toBe(
      "only if the number of employees from Look up the company is greater than 50",
    );
    // Not units: a word that merely ends like one.
    expect(words("steps.check.output.items > 3")).toBe(
      "only if the items from Check the site is greater than 3",
    );
    expect(words("$count(steps.fetch.output.incidents[ageDays > 7]) > 0")).toBe(
      "only if at least one incident from Fetch open incidents has age greater than 7 days",
    );
    expect(words("$count(steps.fetch.output.incidents[days >= 2]) = 0")).toBe(
      "only if no incident from Fetch open incidents has at least 2 days",
    );
  });

  it("says nested paths, string equality and a list's emptiness", () => {
    expect(words("steps.fetch.output.body.owner.address.city = 'Paris'")).toBe(
      'only if the owner address city from Fetch open incidents is "Paris"',
    );
    expect(words('trigger.data.status = "failed"')).toBe(
      'only if the status of the event\'s data is "failed"',
    );
    expect(words("$not(steps.fetch.output.incidents)")).toBe(
      "only if there is no incident from Fetch open incidents",
    );
    expect(words('$count(steps.fetch.output.incidents[severity = "sev-1"]) > 0')).toBe(
      'only if at least one incident from Fetch open incidents has severity "sev-1"',
    );
    // A step titled as a thing holds its items; one titled as an action returns them.
    expect(words("$count(steps.calendar.output.meetings[room = 'Blue']) >= 1")).toBe(
      'only if at least one meeting in Today\'s calendar has room "Blue"',
    );
    expect(explainValue("steps.calendar.output.date", context).text).toBe(
      "the date of Today's calendar",
    );
    expect(explainForEach("steps.meetings.output", 30, context).explained.text).toBe(
      "for each item in Meetings with other people (at most 30)",
    );
  });

  it("falls back to the step's own words for shapes it does not know", () => {
    const explained = explainCondition("$localTime() < '08:00'", context);
    expect(explained).toEqual({
      text: "only if the condition written for Post to Slack holds",
      source: "$localTime() < '08:00'",
      exact: false,
    });
    expect(
      explainCondition("$count(steps.meetings.output[$withinNext(start, '1h')]) > 0", context)
        .exact,
    ).toBe(false);
    expect(explainCondition("(", context).exact).toBe(false);
  });
});

describe("loops in words", () => {
  it("names one item after the list's field and keeps the limit", () => {
    expect(explainForEach("steps.calendar.output.meetings", 20, context)).toEqual({
      explained: {
        text: "for each meeting in Today's calendar (at most 20)",
        source: "steps.calendar.output.meetings",
        exact: true,
      },
      itemNoun: "meeting",
    });
  });

  it("says a filtered list with a relative clause", () => {
    expect(
      explainForEach('steps.fetch.output.incidents[severity = "sev-1"]', 5, context).explained.text,
    ).toBe('for each incident from Fetch open incidents that has severity "sev-1" (at most 5)');
  });

  it("falls back for lists it cannot name", () => {
    expect(explainForEach("[1, 2, 3]", 3, context).explained).toEqual({
      text: "for each item of its list (at most 3)",
      source: "[1, 2, 3]",
      exact: false,
    });
  });
});

describe("values in words", () => {
  it("says the paths of each scope root", () => {
    const value = (source: string) => explainValue(source, context).text;
    expect(value("steps.fetch.output")).toBe("the output of Fetch open incidents");
    expect(value("steps.fetch.output.body.title")).toBe("the title from Fetch open incidents");
    expect(value("steps.fetch.output.data.title")).toBe("the data title from Fetch open incidents");
    expect(value("trigger.inputs.city")).toBe("the city input");
    expect(value("trigger.data.status")).toBe("the status of the event's data");
    expect(value("user.email")).toBe("your email address");
    expect(value("waits.ask.url")).toBe("the resume link of Ask Dana");
    expect(value("error.message")).toBe("the error message");
    expect(value("$count(steps.fetch.output.incidents)")).toBe(
      "the number of incidents from Fetch open incidents",
    );
    expect(value('trigger.body.name ?? "n/a"')).toBe(
      'the name of the request body (or "n/a" when it is missing)',
    );
    expect(value("steps.fetch.output.contacts ?? []")).toBe(
      "the contacts from Fetch open incidents (or an empty list when it is missing)",
    );
    expect(explainValue("$uppercase(user.name)", context).exact).toBe(false);
  });
});

describe("a plan in words", () => {
  it("explains each step's condition, loop, otherwise and bindings with the steps' titles", () => {
    const explained = explainPlan(
      plan({
        version: 1,
        title: "Meetings",
        trigger: { type: "manual" },
        steps: [
          {
            id: "calendar",
            title: "Today's calendar",
            action: "http.request",
            input: { url: "https://x.example" },
          },
          {
            id: "brief",
            title: "Brief each meeting",
            action: "chat.post",
            after: ["calendar"],
            forEach: "steps.calendar.output.meetings",
            maxItems: 20,
            input: { text: "Next: {{ item.title }} at {{ item.start }}" },
          },
          {
            id: "big",
            action: "chat.post",
            after: ["calendar"],
            if: "$count(steps.calendar.output.meetings) > 5",
            input: { text: "Busy day" },
          },
          { id: "calm", action: "chat.post", else: "big", input: { text: "{{ user.name }}" } },
        ],
      }),
    );
    expect(explained.brief).toEqual({
      forEach: {
        text: "for each meeting in “Today's calendar” (at most 20)",
        source: "steps.calendar.output.meetings",
        exact: true,
      },
      inputs: [
        {
          path: "text",
          text: "Next: [the title of the meeting] at [the start of the meeting]",
          source: "Next: {{ item.title }} at {{ item.start }}",
          exact: true,
        },
      ],
    });
    expect(explained.big.if?.text).toBe(
      "only if there are more than 5 meetings in “Today's calendar”",
    );
    expect(explained.calm.else?.text).toBe(
      "instead of “big”, only if there are at most 5 meetings in “Today's calendar”",
    );
    expect(explained.calm.inputs[0].text).toBe("your name");
  });
});

describe("word helpers", () => {
  it("humanizes field names and singularizes plurals", () => {
    expect(humanize("createdAt")).toBe("created at");
    expect(humanize("due_date")).toBe("due date");
    expect(singular("incidents")).toBe("incident");
    expect(singular("pull requests")).toBe("pull request");
    expect(singular("companies")).toBe("company");
    expect(singular("boxes")).toBe("box");
    expect(singular("status")).toBeUndefined();
    expect(singular("body")).toBeUndefined();
  });
});
