// Where a plan holds expressions: the event trigger's `if`, each step's `if` and `forEach`, bare
// expression inputs (`match` of wait.event) and every `{{ }}` binding in step inputs. Validation
// checks each site; `secretReferences` reads secret names from the same sites.
import type { ActionCatalog } from "./catalog";
import type { PathSegment } from "./issues";
import type { Plan } from "./schema";
import { scanTemplate, TemplateSyntaxError, walkStrings } from "./template";

export type StepList = "steps" | "onFailure";

export type SiteKind = "condition" | "forEach" | "binding" | "expression" | "trigger" | "key";

export interface ExpressionSite {
  /** The JSON path of the string that holds the expression. */
  path: PathSegment[];
  source: string;
  kind: SiteKind;
  /** The step the expression belongs to; none for the trigger's condition. */
  owner?: { list: StepList; index: number };
}

export interface ExpressionSiteOptions {
  /** Tells which inputs are bare expressions (`expressionInputs`); without it, none are. */
  catalog?: ActionCatalog;
  /** A `{{` without its `}}`; the site is left out. */
  onTemplateError?(path: PathSegment[], error: TemplateSyntaxError): void;
}

/** Every expression of the plan, in plan order (trigger, steps, onFailure steps). */
export function* expressionSites(
  plan: Plan,
  options: ExpressionSiteOptions = {},
): Generator<ExpressionSite> {
  const trigger = plan.trigger;
  if (trigger.type === "event" && trigger.if !== undefined) {
    yield { path: ["trigger", "if"], source: trigger.if, kind: "trigger" };
  }
  // The idempotency key's bindings (its syntax errors are limitIssues', lib/plan/limits.ts).
  if ((trigger.type === "webhook" || trigger.type === "event") && trigger.idempotencyKey) {
    let segments: ReturnType<typeof scanTemplate> = [];
    try {
      segments = scanTemplate(trigger.idempotencyKey);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
    }
    for (const segment of segments) {
      if (segment.kind === "expr") {
        yield { path: ["trigger", "idempotencyKey"], source: segment.source, kind: "key" };
      }
    }
  }
  const lists: [StepList, Plan["steps"]][] = [
    ["steps", plan.steps],
    ["onFailure", plan.onFailure ?? []],
  ];
  for (const [list, steps] of lists) {
    for (const [index, step] of steps.entries()) {
      const owner = { list, index };
      const path: PathSegment[] = [list, index];
      if (step.if !== undefined) {
        yield { path: [...path, "if"], source: step.if, kind: "condition", owner };
      }
      if (step.forEach !== undefined) {
        yield { path: [...path, "forEach"], source: step.forEach, kind: "forEach", owner };
      }
      const bare = new Set(options.catalog?.get(step.action)?.expressionInputs ?? []);
      for (const [key, value] of Object.entries(step.input ?? {})) {
        const inputPath = [...path, "input", key];
        if (bare.has(key) && typeof value === "string") {
          yield { path: inputPath, source: value, kind: "expression", owner };
          continue;
        }
        for (const { value: text, path: inner } of walkStrings(value)) {
          if (!text.includes("{{")) continue;
          const stringPath = [...inputPath, ...inner];
          let segments: ReturnType<typeof scanTemplate>;
          try {
            segments = scanTemplate(text);
          } catch (error) {
            if (!(error instanceof TemplateSyntaxError)) throw error;
            options.onTemplateError?.(stringPath, error);
            continue;
          }
          for (const segment of segments) {
            if (segment.kind === "expr") {
              yield { path: stringPath, source: segment.source, kind: "binding", owner };
            }
          }
        }
      }
    }
  }
}
