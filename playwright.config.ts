import { defineConfig } from "@playwright/test";

const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
const MODEL_PORT = Number(process.env.E2E_MODEL_PORT ?? 4100);
// A loopback HTTP fixture a spec starts (rerun.spec.ts): the one port besides 9 the app may call.
const TARGET_PORT = Number(process.env.E2E_TARGET_PORT ?? MODEL_PORT + 500);
const DATA_DIR = ".data/e2e";
// Ports can be moved (E2E_APP_PORT, E2E_MODEL_PORT, E2E_ENGINE_PORT) to run beside another copy.

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Chromium's background services try to reach the internet, which this machine refuses.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      // The demo model (lib/demo-model) with the test hooks (`/plan <fixture>`…).
      command: `npm run fake-model -- --port ${MODEL_PORT}`,
      url: `http://127.0.0.1:${MODEL_PORT}/v1/models`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // A production build on a fresh embedded database: the README's defaults.
      command: `rm -rf ${DATA_DIR} && npm run build && npx next start -p ${APP_PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${APP_PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 600_000,
      env: {
        DATA_DIR,
        PGLITE_DIR: `${DATA_DIR}/pglite`,
        OPENAI_BASE_URL: `http://127.0.0.1:${MODEL_PORT}/v1`,
        OPENAI_MODEL: "flowchat-test",
        NEXT_TELEMETRY_DISABLED: "1",
        // Its own embedded executor port, so a dev server's (8288) can run alongside.
        INNGEST_EMBEDDED_PORT: process.env.E2E_ENGINE_PORT ?? "8388",
        // Every spec signs up from 127.0.0.1: more accounts than one address may open an hour.
        RATE_LIMITS: "register=1000/1h",
        // Nothing listens on port 9: a step that calls it fails retriably (timeline.spec.ts).
        // TARGET_PORT: the fixture rerun.spec.ts starts, failing, then answering.
        // MODEL_PORT: the demo model's sample data (first-run.spec.ts), as `npm run demo` allows.
        HTTP_ALLOWLIST: `127.0.0.1:9,127.0.0.1:${TARGET_PORT},127.0.0.1:${MODEL_PORT}`,
      },
    },
  ],
});
