// Every workflow template, searchable and by category; "Use this template" opens a new chat
// with the request to fill it in (the model asks only for what is missing).
import { templateCategories, templateSummaries } from "@/lib/templates";
import { TemplateGallery } from "../_components/templates/template-gallery";

export const metadata = { title: "Templates · Flowchat" };

export default function TemplatesPage() {
  const templates = templateSummaries();
  return (
    <div className="flex h-full flex-col">
      <header className="flex h-12 shrink-0 items-center border-b border-zinc-200 px-4 dark:border-zinc-800">
        <h1 className="text-sm font-medium">Templates</h1>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto max-w-6xl px-4 py-6">
          <p className="mb-4 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
            {templates.length} starting points for what people automate first. Pick one: the chat
            asks only for what it needs from you (an address, a URL, a time) and shows the plan for
            you to approve.
          </p>
          <TemplateGallery
            variant="page"
            templates={templates}
            categories={templateCategories(templates)}
            useHref="/?template="
          />
        </div>
      </div>
    </div>
  );
}
