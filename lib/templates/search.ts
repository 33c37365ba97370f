// Searching the gallery by words and category (its own module: the gallery card imports it in
// the browser without the templates' plans).
import type { TemplateSummary, WorkflowTemplate } from "./types";

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
