// `npm run eval:planner -- [--base-url URL] [--model ID] [--repeat K] [--only id,…] [--json]`:
// runs the planner evaluation corpus against a model (see tests/evals/planner/README.md).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const usage = `Usage: npm run eval:planner -- [options]

Runs every request of the planner evaluation corpus (tests/evals/planner/corpus.ts) through
the app's real planner path (system prompt, tools, repair loop; a scratch in-memory database)
and grades the plans. Prints per request pass/fail with the failing check, then pass@1,
pass^K, repair attempts, tokens, latency and the prompt budget.

  --base-url URL   an OpenAI-compatible endpoint (default: OPENAI_BASE_URL, else OpenAI
                   itself when OPENAI_API_KEY is set)
  --model ID       model id (default: OPENAI_MODEL, else gpt-5.4-mini)
  --api chat|responses  which API (default: chat with a base URL, responses for OpenAI)
  --api-key KEY    bearer token (default: OPENAI_API_KEY)
  --repeat K       run each request K times (default 1)
  --only id,…      only these cases
  --recorded [DIR] replay recorded responses (default tests/evals/planner/recorded)
  --record DIR     save the model's responses per case into DIR (for --recorded later)
  --json           print the report as JSON (progress still goes to stderr)`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      "base-url": { type: "string" },
      model: { type: "string" },
      api: { type: "string" },
      "api-key": { type: "string" },
      repeat: { type: "string", default: "1" },
      only: { type: "string" },
      recorded: { type: "boolean" },
      record: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
  fail(`Invalid --repeat: ${values.repeat}`);
const api = values.api as string | undefined;
if (api !== undefined && api !== "chat" && api !== "responses") fail(`Invalid --api: ${api}`);

// The loopback fixtures first: their port must be allowed before the app reads its settings.
const { startFixtures } = await import("./fixtures");
const fixtures = await startFixtures();
const { CORPUS, EVAL_MCP_SERVERS, EVAL_TIMEZONE } = await import("./corpus");
const only =
  typeof values.only === "string" ? values.only.split(",").map((s) => s.trim()) : undefined;
const unknown = only?.filter((id) => !CORPUS.some((c) => c.id === id)) ?? [];
if (unknown.length > 0) fail(`Unknown case: ${unknown.join(", ")}`);
const cases = only ? CORPUS.filter((c) => only.includes(c.id)) : CORPUS;

let replay: Awaited<ReturnType<typeof import("./replay").startReplay>> | undefined;
if (values.recorded) {
  const { startReplay } = await import("./replay");
  const { RECORDED_DIR } = await import("./run-eval");
  const dir = typeof positionalDir() === "string" ? (positionalDir() as string) : RECORDED_DIR;
  replay = await startReplay({ dir, timezone: EVAL_TIMEZONE });
}
function positionalDir() {
  const index = process.argv.indexOf("--recorded");
  const next = process.argv[index + 1];
  return next && !next.startsWith("--") ? path.resolve(next) : undefined;
}

const baseURL =
  replay?.baseURL ?? (values["base-url"] as string | undefined) ?? process.env.OPENAI_BASE_URL;
const apiKey = (values["api-key"] as string | undefined) ?? process.env.OPENAI_API_KEY;
if (!baseURL && !apiKey)
  fail("Give --base-url (an OpenAI-compatible endpoint), or set OPENAI_API_KEY.");
const modelId =
  (replay ? "recorded" : undefined) ??
  (values.model as string | undefined) ??
  process.env.OPENAI_MODEL ??
  "gpt-5.4-mini";

// The harness's scratch database is always in memory: never the app's DATABASE_URL. A test run's
// ai.generate steps use the evaluated model; its http.request steps may reach the fixtures.
delete process.env.DATABASE_URL;
// A model on loopback (the demo model) serves sample data plans may read, like `npm run demo`.
const modelHost = baseURL ? new URL(baseURL) : undefined;
const loopbackModel =
  modelHost && ["127.0.0.1", "localhost", "[::1]"].includes(modelHost.hostname)
    ? modelHost.host
    : undefined;
process.env.HTTP_ALLOWLIST = [process.env.HTTP_ALLOWLIST, new URL(fixtures.url).host, loopbackModel]
  .filter(Boolean)
  .join(",");
// Steps log through console.info/debug; stdout is the report's (and --json's) alone.
console.info = () => {};
console.debug = () => {};
if (baseURL) process.env.OPENAI_BASE_URL = baseURL;
else delete process.env.OPENAI_BASE_URL;
if (apiKey) process.env.OPENAI_API_KEY = apiKey;
process.env.OPENAI_MODEL = modelId;
if (api) process.env.OPENAI_API = api;

const { createLanguageModel, OPENAI_API_URL } = await import("@/lib/ai/providers");
const { measuringFetch } = await import("./measure");
const { openHarness } = await import("./harness");
const { runEval, formatReport } = await import("./run-eval");
const { chatInstructions } = await import("@/lib/ai/prompts");

const measuring = measuringFetch();
const model = createLanguageModel({
  baseURL,
  apiKey,
  model: modelId,
  api: (api as "chat" | "responses" | undefined) ?? (baseURL ? "chat" : "responses"),
  fetch: measuring.fetch,
});
const now = new Date();
const mcpSectionBytes =
  Buffer.byteLength(
    chatInstructions({ now, timezone: EVAL_TIMEZONE, mcpServers: EVAL_MCP_SERVERS }),
  ) - Buffer.byteLength(chatInstructions({ now, timezone: EVAL_TIMEZONE }));

const harness = await openHarness({
  timezone: EVAL_TIMEZONE,
  fixturesUrl: fixtures.url,
  mcpServers: EVAL_MCP_SERVERS,
});
const recordDir = typeof values.record === "string" ? path.resolve(values.record) : undefined;
if (recordDir) mkdirSync(recordDir, { recursive: true });

const tty = process.stderr.isTTY;
let exitCode = 0;
try {
  console.error(
    `Evaluating ${modelId} at ${baseURL ?? OPENAI_API_URL} on ${cases.length} requests × ${repeat} (fixtures at ${fixtures.url})`,
  );
  const report = await runEval({
    harness,
    model,
    modelId,
    baseURL: replay ? "recorded responses" : (baseURL ?? OPENAI_API_URL),
    cases,
    repeat,
    beforeRun: (evalCase, at) => replay?.prepare(evalCase, at, harness),
    measured: () => {
      const first = measuring.first();
      return first && { ...first, mcpSectionBytes };
    },
    onProgress: (event) => {
      const label = `[${event.index + 1}/${event.total}${repeat > 1 ? ` #${(event.type === "case-start" ? event.repeat : 0) + 1}` : ""}] ${event.id}`;
      if (event.type === "case-start") {
        if (tty) process.stderr.write(`${label} …`);
        return;
      }
      const { run } = event;
      const line = `${label} ${run.ok ? "pass" : `FAIL ${run.failing?.check}: ${run.failing?.detail}`} (${(run.metrics.latencyMs / 1000).toFixed(1)} s)`;
      process.stderr.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
    onRun: (evalCase, run, k) => {
      // The first run of each case is kept, with the fixtures' address as a placeholder again.
      if (!recordDir || k > 0) return;
      const text = JSON.stringify(
        { id: evalCase.id, source: `recorded from ${modelId}`, replies: run.replies },
        null,
        2,
      ).replaceAll(fixtures.url, "{fixtures}");
      writeFileSync(path.join(recordDir, `${evalCase.id}.json`), `${text}\n`);
    },
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report)) console.log(line);
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await harness.close();
  await replay?.close();
  await fixtures.close();
}
process.exit(exitCode);
