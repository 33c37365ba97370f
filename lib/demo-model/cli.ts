// `npm run demo-model -- --port 4010`: Flowchat's demo model on 127.0.0.1, so the app can be
// tried with no key (`npm run demo` starts it together with the app).
import { announce, fail, parseCli } from "./cli-shared";
import { DEMO_MODEL_ID, demoReply } from "./demo";
import { sampleRoutes } from "./samples";
import { startOpenAIServer } from "./server";

const usage = `Usage: npm run demo-model -- [--port 4010] [--delay 40] [--api-key KEY]

Serves Flowchat's demo model, an OpenAI-compatible server (chat completions and
the Responses API, streaming, tool calls) on 127.0.0.1. It answers without AI,
through the app's own tools: requests that match a template become plan cards,
"show me templates" shows the gallery, and after a plan "make it 8:00", "run it"
and "why did it fail?" do what they say. It serves sample data under /demo/ for
the templates (the app must allow it: HTTP_ALLOWLIST=127.0.0.1:<port>).

  --port     port to listen on (0 picks a free one; default 4010)
  --delay    milliseconds between streamed chunks (default 40)
  --api-key  require this bearer token (default: accept any)`;

const options = parseCli(usage);
const server = await startOpenAIServer({
  port: options.port,
  chunkDelayMs: options.delay,
  apiKey: options.apiKey,
  models: [DEMO_MODEL_ID],
  defaultReply: demoReply,
  routes: sampleRoutes(),
}).catch((error: unknown) => fail(`Could not start: ${String(error)}`, usage));
announce(server, "Flowchat's demo model (OpenAI-compatible)");
console.log(`Sample data for the templates: ${server.url}/demo`);
