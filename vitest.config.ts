import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; under test it is a no-op.
      "server-only": path.join(root, "tests/helpers/server-only.ts"),
    },
  },
  test: {
    // next-auth's ESM imports "next/server" without an extension, which Node's resolver refuses;
    // inlined, Vite resolves it (tests/integration/auth drive Auth.js's real route handler).
    server: { deps: { inline: ["next-auth"] } },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.{ts,tsx}"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
