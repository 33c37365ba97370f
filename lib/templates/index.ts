// The templates gallery: every template, looked up by id, summarized for the gallery card and
// the Templates page, and searched by words and category. Pure data (safe in the browser).
import { approvalFlow, replyWithDeadline } from "./library/approvals";
import { chainedWorkflow, mcpToolCall } from "./library/connectors";
import { githubPullRequests, incidentDigest, rssDigest, weeklyReport } from "./library/digests";
import { retryAndNotify, statusMonitor } from "./library/monitoring";
import { calendarDigest, morningRoutine, reminder } from "./library/routines";
import { formToChat, leadRouter, translateToSlack } from "./library/webhooks";
import {
  TEMPLATE_CATEGORIES,
  type TemplateCategory,
  type TemplateSummary,
  type WorkflowTemplate,
} from "./types";

export type { FillIssue, FillResult } from "./fill";
export { checkValue, exampleOf, fillTemplate, formatTimeOfDay, parseTimeOfDay } from "./fill";
export * from "./types";

/** In gallery order: the patterns people automate first. */
export const TEMPLATES: readonly WorkflowTemplate[] = [
  incidentDigest,
  morningRoutine,
  calendarDigest,
  rssDigest,
  weeklyReport,
  githubPullRequests,
  statusMonitor,
  retryAndNotify,
  reminder,
  leadRouter,
  translateToSlack,
  formToChat,
  approvalFlow,
  replyWithDeadline,
  chainedWorkflow,
  mcpToolCall,
];

const byId = new Map(TEMPLATES.map((template) => [template.id, template]));

export function getTemplate(id: string): WorkflowTemplate | undefined {
  return byId.get(id);
}

export function summarizeTemplate(template: WorkflowTemplate): TemplateSummary {
  return {
    id: template.id,
    title: template.title,
    description: template.description,
    category: template.category,
    example: template.example,
    keywords: template.keywords,
    inputs: template.inputs.map(({ key, label, kind, required, secret }) =>
      secret ? { key, label, kind, required, secret } : { key, label, kind, required },
    ),
  };
}

export function templateSummaries(): TemplateSummary[] {
  return TEMPLATES.map(summarizeTemplate);
}

/** Categories that have templates, in their fixed order. */
export function templateCategories(
  templates: readonly Pick<TemplateSummary, "category">[] = TEMPLATES,
): TemplateCategory[] {
  return TEMPLATE_CATEGORIES.filter((category) => templates.some((t) => t.category === category));
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);

/**
 * Templates whose title, description, category, example or keywords contain every word of the
 * query (any order), in one category when given; all of them for an empty query.
 */
export function searchTemplates<T extends TemplateSummary | WorkflowTemplate>(
  templates: readonly T[],
  query = "",
  category?: string,
): T[] {
  const wanted = words(query);
  return templates.filter((template) => {
    if (category && template.category !== category) return false;
    if (wanted.length === 0) return true;
    const haystack = [
      template.title,
      template.description,
      template.category,
      template.example,
      ...template.keywords,
    ]
      .join(" ")
      .toLowerCase();
    return wanted.every((word) => haystack.includes(word));
  });
}
