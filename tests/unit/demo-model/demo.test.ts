// The demo model's pure half: which template a request is about, what values it says, what the
// demo answers to each turn, and what it writes for a workflow's ai.generate step.
import { describe, expect, it } from "vitest";
import { demoAnswer, matchTemplate, timeIn, valuesIn } from "@/lib/demo-model/demo";
import { feedItems, firstJson, generateReply, listJson } from "@/lib/demo-model/generate";
import { SAMPLE_INCIDENTS } from "@/lib/demo-model/samples";
import type { ConversationMessage, RecordedRequest } from "@/lib/demo-model/types";
import { fillTemplate, getTemplate, TEMPLATES } from "@/lib/templates";

const SERVER = "http://127.0.0.1:4010";
const CHAT_TOOLS = [
  "proposeWorkflow",
  "reviseWorkflow",
  "runWorkflow",
  "listRuns",
  "getRun",
  "listTemplates",
  "useTemplate",
];

function request(messages: ConversationMessage[], extra: Partial<RecordedRequest> = {}) {
  return {
    api: "chat.completions",
    path: "/v1/chat/completions",
    headers: {},
    body: {},
    model: "flowchat-demo",
    stream: true,
    messages,
    lastUserText: messages.findLast((m) => m.role === "user")?.text,
    tools: CHAT_TOOLS,
    ...extra,
  } as RecordedRequest;
}

const user = (text: string): ConversationMessage => ({ role: "user", text });
const call = (id: string, name: string, args: unknown): ConversationMessage => ({
  role: "assistant",
  text: "",
  toolCalls: [{ id, name, arguments: JSON.stringify(args) }],
});
const result = (id: string, output: unknown): ConversationMessage => ({
  role: "tool",
  toolCallId: id,
  text: typeof output === "string" ? output : JSON.stringify(output),
});

const answer = (messages: ConversationMessage[]) => demoAnswer(request(messages), SERVER);

describe("matching a request to a template", () => {
  it("finds each template from its own example request", () => {
    for (const template of TEMPLATES) {
      expect(matchTemplate(template.example)?.id, template.example).toBe(template.id);
    }
  });

  it("finds nothing in small talk", () => {
    for (const said of ["Hello Flowchat", "hello", "My private plans", "first line\nsecond line"]) {
      expect(matchTemplate(said)).toBeUndefined();
    }
  });

  it("reads times, URLs, addresses and names out of what was said", () => {
    expect(timeIn("every weekday at 7:30, please")).toBe("07:30");
    expect(timeIn("make it 8pm")).toBe("20:00");
    expect(timeIn("at https://x.test:8080/a")).toBeUndefined();
    const monitor = getTemplate("status-monitor")!;
    expect(
      valuesIn("Watch https://status.acme.test/health. and email ops@acme.test", monitor.inputs),
    ).toEqual({ statusUrl: "https://status.acme.test/health", escalateTo: "ops@acme.test" });
    const mcp = getTemplate("mcp-tool-call")!;
    expect(valuesIn("server linear, tool list_issues", mcp.inputs)).toEqual({
      server: "linear",
      tool: "list_issues",
    });
    const prs = getTemplate("github-pr-summary")!;
    expect(valuesIn("for acme/widgets at 10:00", prs.inputs)).toEqual({
      repo: "acme/widgets",
      time: "10:00",
    });
  });
});

describe("the demo's turns", () => {
  it("answers a request that fits a template with useTemplate, samples filling the gaps", () => {
    expect(
      answer([user("Every morning at 8:00, post the new items of a blog's RSS feed here")]),
    ).toEqual({
      type: "tool-calls",
      calls: [
        {
          name: "useTemplate",
          arguments: {
            id: "rss-digest",
            values: { feedUrl: `${SERVER}/demo/feed.xml`, time: "08:00" },
          },
          id: undefined,
        },
      ],
    });
  });

  it("proposes the filled-in plan, or asks for exactly what is missing", () => {
    const template = getTemplate("reply-with-deadline")!;
    const filled = fillTemplate(template, {});
    const asked = [
      user("Use the template reply-with-deadline"),
      call("c1", "useTemplate", { id: template.id, values: {} }),
      result("c1", {
        ok: true,
        id: template.id,
        title: template.title,
        plan: filled.plan,
        missing: filled.missing.map(({ key, label, description }) => ({ key, label, description })),
        secrets: [],
        issues: [],
      }),
    ];
    const question = answer(asked);
    expect(question).toMatchObject({ type: "text" });
    expect((question as { text: string }).text).toContain("**Who to ask**");
    expect((question as { text: string }).text).not.toContain("use the samples");

    const given = answer([
      ...asked,
      { role: "assistant", text: "…", toolCalls: [] },
      user("ask bob@acme.test"),
    ]);
    expect(given).toMatchObject({
      calls: [
        { name: "useTemplate", arguments: { id: template.id, values: { to: "bob@acme.test" } } },
      ],
    });

    const complete = fillTemplate(template, { to: "bob@acme.test" });
    expect(
      answer([
        user("ask bob@acme.test"),
        call("c2", "useTemplate", { id: template.id, values: { to: "bob@acme.test" } }),
        result("c2", {
          ok: true,
          id: template.id,
          title: template.title,
          plan: complete.plan,
          missing: [],
        }),
      ]),
    ).toMatchObject({ calls: [{ name: "proposeWorkflow", arguments: { plan: complete.plan } }] });
  });

  it('takes "use the samples" for the inputs the demo has samples for', () => {
    const template = getTemplate("incident-digest")!;
    const filled = fillTemplate(template, {});
    expect(
      answer([
        user("Use the template incident-digest"),
        call("c1", "useTemplate", { id: template.id, values: {} }),
        result("c1", {
          ok: true,
          id: template.id,
          title: template.title,
          plan: filled.plan,
          missing: [{ key: "incidentsUrl", label: "Incidents API URL", description: "…" }],
        }),
        { role: "assistant", text: "To set up…", toolCalls: [] },
        user("use the samples"),
      ]),
    ).toMatchObject({
      calls: [
        {
          name: "useTemplate",
          arguments: { values: { incidentsUrl: `${SERVER}/demo/incidents` } },
        },
      ],
    });
  });

  const digest = fillTemplate(getTemplate("incident-digest")!, {
    incidentsUrl: `${SERVER}/demo/incidents`,
  }).plan;
  const workflowId = "3f1f9a3e-1b7c-4a52-9d0e-2a8b6c4d5e6f";
  const saved = [
    user("Every weekday at 7:30, fetch my team's open incidents"),
    call("c1", "proposeWorkflow", { plan: digest }),
    result("c1", { ok: true, workflowId, version: 1, title: "Incident digest" }),
  ];

  it("moves the schedule when told a time, and runs it when told to", () => {
    const moved = answer([...saved, user("make it 8:15")]) as unknown as {
      calls: Array<{
        name: string;
        arguments: { plan: { trigger: { cron: string }; summary: string } };
      }>;
    };
    expect(moved.calls[0].name).toBe("reviseWorkflow");
    expect(moved.calls[0].arguments).toMatchObject({ workflowId, note: "Runs at 08:15 instead" });
    expect(moved.calls[0].arguments.plan.trigger.cron).toBe("15 8 * * 1-5");
    expect(moved.calls[0].arguments.plan.summary).toContain("at 8:15");
    expect(answer([...saved, user("run it")])).toMatchObject({
      calls: [{ name: "runWorkflow", arguments: { workflowId } }],
    });
    expect(answer([user("run it")])).toMatchObject({
      type: "text",
      text: expect.stringContaining("no workflow"),
    });
  });

  it("explains a failure from listRuns and getRun", () => {
    const runId = "9b2d7c1e-4f3a-4e8b-a0c1-5d6e7f8a9b0c";
    const asked = [...saved, user("why did it fail?")];
    expect(answer(asked)).toMatchObject({
      calls: [{ name: "listRuns", arguments: { workflowId, limit: 10 } }],
    });
    const listed = [
      ...asked,
      call("c2", "listRuns", { workflowId }),
      result(
        "c2",
        `Recent runs (their errors are outside data):\n<untrusted-data source="run list">\n${JSON.stringify(
          [
            { runId: "11111111-1111-4111-8111-111111111111", status: "succeeded" },
            { runId, status: "failed" },
          ],
        )}\n</untrusted-data>`,
      ),
    ];
    expect(answer(listed)).toMatchObject({ calls: [{ name: "getRun", arguments: { runId } }] });
    const explained = answer([
      ...listed,
      call("c3", "getRun", { runId }),
      result(
        "c3",
        `The run's record:\n<untrusted-data source="run record">\n${JSON.stringify({
          ok: true,
          run: { id: runId, status: "failed", createdAt: "2026-01-12T06:30:00Z" },
          steps: [
            {
              step: "fetch",
              attempt: 3,
              status: "failed",
              error: "HTTP 503 from status.acme.test",
              took: "1.2 s",
            },
          ],
        })}\n</untrusted-data>`,
      ),
    ]) as { text: string };
    expect(explained.text).toContain("failed at step `fetch` (attempt 3, after 1.2 s)");
    expect(explained.text).toContain("> HTTP 503 from status.acme.test");
    expect(explained.text).toContain("retries did not get through");
  });

  it("shows the gallery, and says honestly what it is otherwise", () => {
    expect(answer([user("Show me templates")])).toMatchObject({
      calls: [{ name: "listTemplates", arguments: {} }],
    });
    expect(answer([user("which templates for slack?")])).toMatchObject({
      calls: [{ name: "listTemplates", arguments: { query: "slack" } }],
    });
    const honest = answer([user("Hello Flowchat")]) as { text: string };
    expect(honest.text.startsWith('You said: "Hello Flowchat"')).toBe(true);
    expect(honest.text).toContain("demo model");
    expect(honest.text).toContain("OPENAI_API_KEY");
  });
});

describe("what a workflow's ai.generate step gets", () => {
  const generation = (prompt: string, body: Record<string, unknown> = {}) =>
    generateReply(request([user(prompt)], { tools: [], body }));

  it("lists the items of the JSON it was given, most severe first", () => {
    const reply = generation(`Summarize these open incidents: ${JSON.stringify(SAMPLE_INCIDENTS)}`);
    const lines = reply.text.split("\n");
    expect(lines[0]).toBe("3 items:");
    expect(lines[1]).toContain("**sev-1** Checkout API returns 502 for card payments (payments)");
    expect(lines[2]).toContain("**sev-2**");
    expect(reply.text).toContain("demo model");
    expect(firstJson('a {"b": [1, 2]} c')).toEqual({ b: [1, 2] });
    expect(listJson({ revenue: 10 })).toBe("- **revenue:** 10");
  });

  it("reads a feed's items into the asked-for object", () => {
    const xml =
      "<rss><channel><item><title>One</title><link>https://a.test/1</link><guid>g1</guid></item>" +
      '<entry><title>Two</title><link href="https://a.test/2"/><id>g2</id></entry></channel></rss>';
    expect(feedItems(xml)).toEqual([
      { id: "g1", title: "One", url: "https://a.test/1" },
      { id: "g2", title: "Two", url: "https://a.test/2" },
    ]);
    const schema = getTemplate("rss-digest")!.plan.steps[1].input?.schema;
    const chat = generation(`List the items:\n${xml}`, {
      response_format: { type: "json_schema", json_schema: { name: "x", schema } },
    });
    expect(JSON.parse(chat.text)).toEqual({ items: feedItems(xml) });
    const responses = generation("Give me an object", {
      text: { format: { type: "json_schema", schema } },
    });
    expect(JSON.parse(responses.text)).toEqual({ items: [] });
  });

  it("says it does not translate, and what it cannot write", () => {
    expect(
      generation("Translate into German. Answer with the translation only.\n\nGood morning").text,
    ).toBe(
      "Good morning\n\n_Flowchat's demo model does not translate: a real model would write this in German._",
    );
    expect(generation("Write a poem").text).toContain("configure a real model");
  });
});
