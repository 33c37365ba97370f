// What the template tools take and give, for the typed chat message and the gallery card
// (safe to import in the browser).
import type { FillIssue } from "@/lib/templates/fill";
import type { TemplateInputKind, TemplateSummary } from "@/lib/templates/types";

export type ListTemplatesInput = { query?: string; category?: string };

export type ListTemplatesOutput = {
  /** The templates that match (all of them without a query or category). */
  templates: TemplateSummary[];
  /** Every category, in order, so the gallery can offer them all. */
  categories: string[];
  query?: string;
  category?: string;
  /** How many templates there are in all. */
  total: number;
};

export type UseTemplateInput = {
  id: string;
  /** Values the person gave, by input key (see listTemplates' inputs). */
  values?: Record<string, string | number>;
};

export type UseTemplateMissing = {
  key: string;
  label: string;
  description: string;
  kind: TemplateInputKind;
  /** What the template holds as written, as an example of the value. */
  example?: string;
};

export type UseTemplateOutput =
  | {
      ok: true;
      id: string;
      title: string;
      description: string;
      /** The template's plan with the values written in (and a schedule in the person's zone). */
      plan: unknown;
      filled: string[];
      /** Required inputs still without a value: ask the person for exactly these. */
      missing: UseTemplateMissing[];
      /** Secrets the plan reads: the person adds them under Settings (never in the chat). */
      secrets: string[];
      /** Values refused, with why. */
      issues: FillIssue[];
      /** What to do next, in words. */
      next: string;
    }
  | { ok: false; error: string };

export type TemplateUITools = {
  listTemplates: { input: ListTemplatesInput; output: ListTemplatesOutput };
  useTemplate: { input: UseTemplateInput; output: UseTemplateOutput };
};
