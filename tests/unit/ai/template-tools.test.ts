// The template tools as the model calls them: listTemplates narrows the gallery (or shows it
// all when nothing matches), useTemplate fills a template in with the person's zone and lists
// what is missing, refused values and the secrets to add.
import { describe, expect, it } from "vitest";
import type { ListTemplatesOutput, UseTemplateOutput } from "@/lib/ai/tools/template-tool-types";
import { listTemplatesTool, templateTools } from "@/lib/ai/tools/templates";

const options = { toolCallId: "call_1", messages: [], context: {} } as never;

async function list(input: Record<string, unknown>) {
  return (await listTemplatesTool().execute?.(input as never, options)) as ListTemplatesOutput;
}

async function use(input: Record<string, unknown>, timezone?: string) {
  return (await templateTools({ timezone }).useTemplate.execute?.(
    input as never,
    options,
  )) as UseTemplateOutput;
}

describe("listTemplates", () => {
  it("narrows by words and category, and shows everything when nothing matches", async () => {
    const all = await list({});
    expect(all.templates.length).toBe(all.total);
    expect(all.categories).toContain("Webhooks");
    const slack = await list({ query: "slack" });
    expect(slack.templates.map((t) => t.id)).toEqual(["lead-router", "translate-to-slack"]);
    expect(slack).toMatchObject({ query: "slack" });
    const webhooks = await list({ category: "Webhooks" });
    expect(webhooks.templates.every((t) => t.category === "Webhooks")).toBe(true);
    const none = await list({ query: "underwater basket weaving" });
    expect(none.templates.length).toBe(all.total);
    for (const template of all.templates) expect(template).not.toHaveProperty("plan");
  });
});

describe("useTemplate", () => {
  it("fills in what was given, in the person's zone, and lists what is missing", async () => {
    const partial = await use({ id: "weekly-report", values: { time: "8:30" } }, "Asia/Tokyo");
    expect(partial).toMatchObject({
      ok: true,
      title: "Weekly report by email",
      filled: ["time"],
      missing: [{ key: "dataUrl", label: "Report data URL", kind: "url" }],
      secrets: [],
      issues: [],
      next: expect.stringContaining("Report data URL"),
    });
    expect((partial as { plan: { trigger: unknown } }).plan.trigger).toEqual({
      type: "schedule",
      cron: "30 8 * * 1",
      timezone: "Asia/Tokyo",
    });
    const complete = await use({
      id: "weekly-report",
      values: { dataUrl: "https://api.acme.test/weekly", to: "ceo@acme.test" },
    });
    expect(complete).toMatchObject({
      ok: true,
      missing: [],
      next: "Call proposeWorkflow with this plan.",
    });
  });

  it("names the secrets to add, refuses values that do not fit, and unknown templates", async () => {
    const prs = await use({ id: "github-pr-summary", values: { repo: "not a repo" } });
    expect(prs).toMatchObject({
      ok: true,
      secrets: ["GITHUB_TOKEN"],
      issues: [{ key: "repo", message: 'Repository must be a repository as "owner/name"' }],
      missing: [{ key: "repo", example: "OWNER/REPO" }],
    });
    const unknown = await use({ id: "teleporter" });
    expect(unknown).toMatchObject({ ok: false, error: expect.stringContaining("incident-digest") });
  });
});
