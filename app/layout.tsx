import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Flowchat",
  description: "Describe a workflow in plain English; Flowchat plans it, runs it and reports back.",
};

// viewport-fit=cover lets the page reach under a phone's notch and home bar; the shell pads
// itself with the safe-area insets instead.
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
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
