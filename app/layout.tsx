import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Flowchat",
  description: "Describe a workflow in plain English; Flowchat plans it, runs it and reports back.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request so that Next can put this request's CSP nonce (set by
  // proxy.ts) on its scripts; a page prerendered at build time would carry none.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
