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
export { searchTemplates } from "./search";
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
