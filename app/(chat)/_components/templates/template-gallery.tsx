"use client";

// The templates gallery: a search box, category chips and the templates that match, each with
// what it needs from the person and a "Use this template" action. In the chat it is the card
// listTemplates shows (the action sends "Use the template <id>"); on the Templates page it
// fills the page (the action opens a new chat with that request).
import Link from "next/link";
import { useId, useMemo, useState } from "react";
import { searchTemplates } from "@/lib/templates/search";
import type { TemplateSummary } from "@/lib/templates/types";

type Props = {
  templates: TemplateSummary[];
  categories: string[];
  initialQuery?: string;
  initialCategory?: string;
  /** `card`: inside the thread (a bounded, scrolling list); `page`: a grid filling the page. */
  variant: "card" | "page";
  /** The chat's action: sends "Use the template <id>". */
  onUse?: (id: string) => void;
  /** The page's action: "Use" links to this with the template's id appended (`/?template=`). */
  useHref?: string;
  /** A reply is on its way: the chat's action waits. */
  disabled?: boolean;
};

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500";

/** What a template needs from the person, in words ("Needs: Feed URL · secret SLACK_WEBHOOK"). */
function needs(template: TemplateSummary): string {
  const asked = template.inputs
    .filter((i) => i.required && i.kind !== "secret")
    .map((i) => i.label);
  const secrets = template.inputs.flatMap((i) => (i.secret ? [`secret ${i.secret}`] : []));
  const all = [...asked, ...secrets];
  return all.length > 0 ? `Needs: ${all.join(" · ")}` : "Needs nothing to start";
}

export function TemplateGallery({
  templates,
  categories,
  initialQuery = "",
  initialCategory,
  variant,
  onUse,
  useHref,
  disabled = false,
}: Props) {
  const [query, setQuery] = useState(initialQuery);
  const [category, setCategory] = useState<string | undefined>(initialCategory);
  const searchId = useId();
  const shown = useMemo(
    () => searchTemplates(templates, query, category),
    [templates, query, category],
  );
  const card = variant === "card";

  const chip = (value: string | undefined, label: string) => {
    const pressed = category === value;
    return (
      <button
        key={label}
        type="button"
        aria-pressed={pressed}
        onClick={() => setCategory(value)}
        className={`shrink-0 rounded-full border px-3 py-1 text-xs font-medium ${focusRing} ${
          pressed
            ? "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900"
            : "border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
        }`}
        data-testid="template-category"
      >
        {label}
      </button>
    );
  };

  return (
    <section
      aria-label="Templates"
      className={
        card
          ? "rounded-xl border border-zinc-200 bg-white p-3 sm:p-4 dark:border-zinc-800 dark:bg-zinc-950"
          : ""
      }
      data-testid="template-gallery"
    >
      {card ? (
        <div className="mb-3 flex items-baseline justify-between gap-2">
          <h3 className="text-sm font-semibold">Templates</h3>
          <Link
            href="/templates"
            className={`rounded text-xs text-zinc-500 dark:text-zinc-400 underline-offset-2 hover:underline ${focusRing}`}
          >
            Open the Templates page
          </Link>
        </div>
      ) : null}
      <label htmlFor={searchId} className="sr-only">
        Search templates
      </label>
      <input
        id={searchId}
        type="search"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        placeholder="Search templates: Slack, RSS, approval…"
        autoComplete="off"
        className={`w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm placeholder:text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 ${card ? "" : "sm:max-w-md"} ${focusRing}`}
        data-testid="template-search"
      />
      <fieldset className="mt-2 flex min-w-0 flex-wrap gap-1.5">
        <legend className="sr-only">Categories</legend>
        {chip(undefined, "All")}
        {categories.map((c) => chip(c, c))}
      </fieldset>
      <p className="sr-only" aria-live="polite">
        {shown.length} {shown.length === 1 ? "template" : "templates"} shown
      </p>
      {shown.length === 0 ? (
        <div className="mt-4 text-sm text-zinc-500 dark:text-zinc-400" data-testid="template-none">
          No template matches{query ? ` “${query}”` : ""}
          {category ? ` in ${category}` : ""}.{" "}
          <button
            type="button"
            className={`rounded font-medium text-zinc-900 underline dark:text-zinc-100 ${focusRing}`}
            onClick={() => {
              setQuery("");
              setCategory(undefined);
            }}
          >
            Show all
          </button>
        </div>
      ) : (
        <ul
          className={
            card
              ? "mt-3 grid max-h-[26rem] gap-2 overflow-y-auto pr-1 sm:grid-cols-2"
              : "mt-4 grid gap-3 sm:grid-cols-2 xl:grid-cols-3"
          }
        >
          {shown.map((template) => (
            <li
              key={template.id}
              className="flex flex-col rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
              data-testid="template-item"
              data-template={template.id}
            >
              <p className="text-[11px] font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
                {template.category}
              </p>
              <h4 className="mt-0.5 text-sm font-semibold" data-testid="template-title">
                {template.title}
              </h4>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                {template.description}
              </p>
              <p
                className="mt-2 text-xs text-zinc-500 dark:text-zinc-400"
                data-testid="template-needs"
              >
                {needs(template)}
              </p>
              <div className="mt-auto pt-3">
                {onUse ? (
                  <button
                    type="button"
                    disabled={disabled}
                    onClick={() => onUse(template.id)}
                    className={`rounded-lg bg-zinc-900 px-3 py-1.5 text-xs font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 ${focusRing}`}
                    aria-label={`Use this template: ${template.title}`}
                    data-testid="template-use"
                  >
                    Use this template
                  </button>
                ) : useHref ? (
                  <Link
                    href={`${useHref}${encodeURIComponent(template.id)}`}
                    className={`inline-block rounded-lg bg-zinc-900 px-3 py-1.5 text-xs font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300 ${focusRing}`}
                    aria-label={`Use this template: ${template.title}`}
                    data-testid="template-use"
                  >
                    Use this template
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
