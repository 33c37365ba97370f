// What a workflow template is: a valid plan as written, plus the inputs a person fills in
// (where each value goes in the plan), a one-line description and a category. Pure data and
// types: the gallery card and the Templates page import this in the browser.
import type { Plan } from "@/lib/plan/schema";

export const TEMPLATE_CATEGORIES = [
  "Digests & reports",
  "Monitoring & alerts",
  "Webhooks",
  "Approvals & waiting",
  "Routines & reminders",
  "Connectors & chains",
] as const;

export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/**
 * What kind of value an input takes; it decides how a value is checked and written:
 * - `url`: an http(s) URL; `email`: one address; `uuid`: a workflow id;
 * - `time`: a local time of day ("7:30", "8am"); at a `…cron` path it sets the cron's minute
 *   and hour, elsewhere it is written as "HH:MM";
 * - `text`: one line of plain words (a language, a message); `name`: an identifier-like name
 *   (an MCP server or tool), `repo`: "owner/name";
 * - `number`: a number;
 * - `secret`: nothing is written: the plan reads `{{ secrets.<secret> }}` and the person adds
 *   that secret under Settings.
 */
export type TemplateInputKind =
  | "url"
  | "email"
  | "uuid"
  | "time"
  | "text"
  | "name"
  | "repo"
  | "number"
  | "secret";

export interface TemplateInput {
  /** An identifier, the key of `values` when filling in. */
  key: string;
  label: string;
  /** What it is for, in one sentence. */
  description: string;
  kind: TemplateInputKind;
  /**
   * Where the value goes: dotted paths into the plan, with steps named by id
   * (`steps.fetch.input.url`, `trigger.cron`, `onFailure.tell.input.text`).
   */
  at: string[];
  /** Only this part of the value at each path is replaced (the rest of the string stays). */
  replace?: string;
  /**
   * False when the plan's own value is a sensible default (a time, a language, the person's own
   * address): the model asks only for required inputs that are not known yet.
   */
  required: boolean;
  /** For `secret` inputs: the secret's name the plan reads. */
  secret?: string;
  /**
   * A path on the demo model's own server (`npm run demo`) that serves sample data for this
   * input, so the template runs with no setup. Only for `url` inputs.
   */
  sample?: string;
}

export interface WorkflowTemplate {
  /** Lowercase words joined by "-", stable: chat messages name templates by it. */
  id: string;
  title: string;
  /** One line. */
  description: string;
  category: TemplateCategory;
  /** Words people use for this (search, and the demo model's matching). */
  keywords: string[];
  /** A request in plain words this template answers, for the gallery and the docs. */
  example: string;
  /** A valid plan as written: its values at the inputs' paths are the examples. */
  plan: Plan;
  inputs: TemplateInput[];
}

/** What the gallery and the chat tools show of a template (no plan). */
export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  category: TemplateCategory;
  example: string;
  keywords: string[];
  inputs: Array<Pick<TemplateInput, "key" | "label" | "kind" | "required" | "secret">>;
}
