"use client";

import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * Images become links: an `<img>` would load its URL as soon as the message shows, and text a
 * workflow fetched (or a model it misled) could put the person's data in that URL.
 */
const components: Components = {
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
    <div className="prose prose-zinc max-w-none text-sm dark:prose-invert prose-pre:bg-zinc-900 prose-pre:text-zinc-100 prose-p:my-2 prose-ul:my-2 prose-ol:my-2">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
});
