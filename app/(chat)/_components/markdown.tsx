"use client";

import { memo } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

/** Model output as Markdown (GFM); raw HTML is not rendered. */
export const Markdown = memo(function Markdown({ children }: { children: string }) {
  return (
    <div className="prose prose-zinc max-w-none text-sm dark:prose-invert prose-pre:bg-zinc-900 prose-pre:text-zinc-100 prose-p:my-2 prose-ul:my-2 prose-ol:my-2">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        components={{
          a: ({ href, children: text }) => (
            <a href={href} target="_blank" rel="noreferrer noopener">
              {text}
            </a>
          ),
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
});
