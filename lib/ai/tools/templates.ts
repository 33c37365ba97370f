// The templates gallery as chat tools: listTemplates shows the gallery card in the thread (and
// tells the model what there is); useTemplate fills a template in with what the person said and
// answers the plan to propose, or exactly which inputs are still missing. Neither saves
// anything: the plan becomes a workflow only through proposeWorkflow, like any other.
import "server-only";
import { tool } from "ai";
import { z } from "zod";
import {
  exampleOf,
  fillTemplate,
  getTemplate,
  searchTemplates,
  TEMPLATE_CATEGORIES,
  TEMPLATES,
  templateSummaries,
} from "@/lib/templates";
import type { ListTemplatesOutput, UseTemplateOutput } from "./template-tool-types";
import { toolInput } from "./tool-schema";

const MAX_VALUE_CHARS = 2000;

export function listTemplatesTool() {
  return tool({
    description:
      "Show the person the templates gallery (as a card they can search and pick from). Use it " +
      'when they ask for templates or examples ("show me templates", "templates for Slack"). ' +
      "Optional query (words) and category narrow what the card shows first.",
    ...toolInput(
      z.object({
        query: z.string().max(200).optional(),
        category: z.enum(TEMPLATE_CATEGORIES).optional(),
      }),
      { strict: true },
    ),
    execute: async ({ query, category }): Promise<ListTemplatesOutput> => {
      const all = templateSummaries();
      const matching = searchTemplates(all, query ?? "", category);
      return {
        // Nothing matching still shows the whole gallery (the card says so).
        templates: matching.length > 0 ? matching : all,
        categories: [...TEMPLATE_CATEGORIES],
        ...(query ? { query } : {}),
        ...(category ? { category } : {}),
        total: all.length,
      };
    },
  });
}

export function templateFillTool({ timezone }: { timezone?: string }) {
  return tool({
    description:
      'Fill in a template (the person chose one: "Use the template <id>", or their request fits ' +
      "one). Pass the values they already gave, by input key. It answers the filled-in plan and " +
      "the inputs still missing: if any are missing, ask the person for exactly those (one short " +
      "message) and call again with all values; if none are, call proposeWorkflow with the plan " +
      "(you may adapt it to what they asked). Secrets it lists are added under Settings, never " +
      "asked for in the chat.",
    // Values by input key: free-form keys, so not strict.
    ...toolInput(
      z.object({
        id: z.string().max(100),
        values: z
          .record(z.string(), z.union([z.string().max(MAX_VALUE_CHARS), z.number()]))
          .optional(),
      }),
      { strict: false },
    ),
    execute: async ({ id, values }): Promise<UseTemplateOutput> => {
      const template = getTemplate(id);
      if (!template) {
        return {
          ok: false,
          error: `There is no template "${id}". The templates are: ${TEMPLATES.map((t) => t.id).join(", ")}.`,
        };
      }
      const filled = fillTemplate(template, values ?? {}, { timezone });
      const missing = filled.missing.map((input) => ({
        key: input.key,
        label: input.label,
        description: input.description,
        kind: input.kind,
        ...(input.replace || input.kind === "time" ? { example: exampleOf(template, input) } : {}),
      }));
      return {
        ok: true,
        id: template.id,
        title: template.title,
        description: template.description,
        plan: filled.plan,
        filled: filled.filled,
        missing,
        secrets: filled.secrets,
        issues: filled.issues,
        next:
          missing.length > 0
            ? `Ask the person for: ${missing.map((m) => m.label).join(", ")}. Then call useTemplate again with every value.`
            : "Call proposeWorkflow with this plan.",
      };
    },
  });
}

export function templateTools(context: { timezone?: string }) {
  return { listTemplates: listTemplatesTool(), useTemplate: templateFillTool(context) };
}
