"use client";

import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Images become links: an `<img>` would load its URL as soon as the message shows, and text a
 * workflow fetched (or a model it misled) could put the person's data in that URL.
 */
const components: Components = {
  // Inline code as code, not as text between backticks (the typography plugin adds them);
  // a fenced block (a language class, or text over several lines) keeps the <pre> styling.
  code: ({ className, children }) => {
    const block = /\blanguage-/.test(className ?? "") || String(children).includes("\n");
    if (block) return <code className={className}>{children}</code>;
    return (
      <code
        className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] font-normal text-zinc-800 before:content-none after:content-none dark:bg-zinc-800 dark:text-zinc-100"
        data-inline-code=""
      >
        {children}
      </code>
    );
  },
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  img: ({ src, alt }) => {
    const label = alt?.trim() || "image";
    if (typeof src !== "string" || src === "") return <span>{`🖼 ${label}`}</span>;
    return (
      <a
        href={src}
        target="_blank"
        rel="noreferrer noopener"
        referrerPolicy="no-referrer"
        title={src}
        data-testid="markdown-image-link"
      >
        {`🖼 ${label}`}
      </a>
    );
  },
};

/** Model and workflow text as Markdown (GFM). Raw HTML is not rendered, images are links. */
export const Markdown = memo(function Markdown({ children }: { children: string }) {
  return (
    <div className="prose prose-zinc max-w-none text-sm dark:prose-invert prose-code:before:content-none prose-code:after:content-none prose-pre:bg-zinc-900 prose-pre:text-zinc-100 prose-p:my-2 prose-ul:my-2 prose-ol:my-2">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
});
