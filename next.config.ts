import type { NextConfig } from "next";

// Static files skip proxy.ts; they still get the headers that need no per-request nonce.
const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `next dev` serves its dev resources (/_next/*, the HMR socket) only to pages on localhost
  // unless told otherwise, and the README, the demo model and the logs all print 127.0.0.1: a
  // page opened there would render but never hydrate. Development only; `next start` ignores it.
  allowedDevOrigins: ["127.0.0.1", "localhost", "[::1]"],
  async headers() {
    return [{ source: "/_next/:path*", headers: staticSecurityHeaders }];
  },
  // PGlite ships WASM and data files that must be loaded from node_modules at run time,
  // and postgres-js should not be bundled either. rate-limiter-flexible loads drizzle-orm with
  // a computed import() that no bundler can follow ("expression is too dynamic"); external,
  // Node resolves it at run time (lib/rate-limit/README.md).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "rate-limiter-flexible"],
  // `npm test` type-checks the whole repo with `tsc --noEmit`; doing it again in every build
  // only doubles the slowest step on small machines.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
