// The demo model: what `npm run demo` answers with when no real model is configured. No AI:
// it reads the conversation and answers deterministically through the app's own tools —
// a request that matches a template becomes useTemplate → proposeWorkflow (a real plan card),
// "show me templates" lists the gallery, "make it 8:00" revises the schedule, "run it" runs the
// workflow, "why did it fail?" reads the runs and explains the failing step. Anything else gets
// an honest answer that this is the demo model and how to configure a real one. A workflow's
// ai.generate step (no tools offered) is answered by generate.ts.
import {
  getTemplate,
  parseTimeOfDay,
  TEMPLATES,
  type TemplateInput,
  type WorkflowTemplate,
} from "../templates";
import { latestWorkflowId } from "./conversation";
import { generateReply } from "./generate";
import { splitIntoChunks, text, toolCall } from "./replies";
import { withAskedSchedule } from "./schedule";
import type { ConversationMessage, RecordedRequest, Reply } from "./types";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type ToolCall = { id: string; name: string; arguments: string };

export const DEMO_MODEL_ID = "flowchat-demo";

/** How a real model is set up, for the honest answers. */
export const REAL_MODEL_HELP =
  "To use a real model, set `OPENAI_API_KEY` (or `OPENAI_BASE_URL` for a local server such as Ollama) and restart the app: see the README's quick start.";

/** The requests the demo model understands, as its honest answer lists them. */
const UNDERSTOOD = [
  "\"Every weekday at 7:30, summarize my team's open incidents and post them here\" (or any template's request)",
  '"Show me templates"',
  'after a plan: "make it 8:00", "run it", "why did it fail?"',
];

function honestReply(said: string): Reply {
  const quote = `You said: "${said}"\n\n`;
  const rest = [
    "I am Flowchat's **demo model**: I answer without AI, from the templates gallery, so I only understand requests like these:",
    ...UNDERSTOOD.map((line) => `- ${line}`),
    "",
    REAL_MODEL_HELP,
  ].join("\n");
  // The quote streams word by word, the explanation at once: a canned answer need not make
  // the person wait for it.
  return text(quote + rest, { chunks: [...splitIntoChunks(quote), rest] });
}

/** JSON out of a tool result (possibly wrapped in the untrusted-data delimiter). */
export function parseToolOutput(output: string): unknown {
  try {
    return JSON.parse(output);
  } catch {
    // Wrapped: a line of the app's words, then the JSON inside the delimiter.
  }
  const inner = /<untrusted-data[^>]*>\n([\s\S]*)\n<\/untrusted-data>/.exec(output)?.[1];
  if (inner === undefined) return undefined;
  try {
    return JSON.parse(inner);
  } catch {
    return undefined;
  }
}

/** Each tool call of the conversation with its result, oldest first. */
function toolExchanges(messages: ConversationMessage[]) {
  const results = new Map<string, string>();
  for (const m of messages) if (m.role === "tool") results.set(m.toolCallId, m.text);
  return messages.flatMap((m) =>
    m.role === "assistant"
      ? m.toolCalls.map((call) => ({
          call,
          args: parseArgs(call),
          result: results.has(call.id) ? parseToolOutput(results.get(call.id) ?? "") : undefined,
        }))
      : [],
  );
}

function parseArgs(call: ToolCall): Json {
  try {
    const value = JSON.parse(call.arguments);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The template a request is about: the one with the most keywords in it (none below one). */
export function matchTemplate(message: string): WorkflowTemplate | undefined {
  const said = message.toLowerCase();
  let best: { template: WorkflowTemplate; score: number } | undefined;
  for (const template of TEMPLATES) {
    const score = template.keywords.filter((word) =>
      new RegExp(`(^|[^a-z0-9])${escapeRegExp(word.toLowerCase())}($|[^a-z0-9])`).test(said),
    ).length;
    if (score > 0 && (!best || score > best.score)) best = { template, score };
  }
  return best?.template;
}

const URLS = /https?:\/\/[^\s<>"'`)\]]+/g;
const EMAILS = /[^\s@<>"'`(),;:]+@[^\s@<>"'`(),;:]+\.[a-z]{2,}/gi;
const UUIDS = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const TIME =
  /(?:^|[^\d:.])(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}[:.]\d{2})(?![\d])/i;

const trimUrl = (url: string) => url.replace(/[.,;:!?]+$/, "");

/** A local time of day said in the message ("at 7:30", "8am"), as "HH:MM". */
export function timeIn(message: string): string | undefined {
  const match = TIME.exec(message);
  const time = match ? parseTimeOfDay(match[1].replace(/\s+/g, "")) : undefined;
  return time
    ? `${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")}`
    : undefined;
}

/**
 * Values a message gives for a template's inputs, by kind: URLs, addresses, ids and times in
 * the order they are said, words after "server", "tool", "into", "remind me to".
 */
export function valuesIn(
  message: string,
  inputs: readonly TemplateInput[],
  only?: ReadonlySet<string>,
): Record<string, string> {
  const pool = {
    url: [...message.matchAll(URLS)].map((m) => trimUrl(m[0])),
    email: [...message.matchAll(EMAILS)].map((m) => m[0]),
    uuid: [...message.matchAll(UUIDS)].map((m) => m[0]),
  };
  const withoutUrls = message.replace(URLS, " ");
  const values: Record<string, string> = {};
  const named: Record<string, RegExp> = {
    server: /\bserver\s+(?:called\s+|named\s+)?["'`]?([A-Za-z0-9][\w.-]*)/i,
    calendarServer: /\bserver\s+(?:called\s+|named\s+)?["'`]?([A-Za-z0-9][\w.-]*)/i,
    tool: /\btool\s+(?:called\s+|named\s+)?["'`]?([A-Za-z0-9][\w.-]*)/i,
  };
  for (const input of inputs) {
    if (only && !only.has(input.key)) continue;
    let value: string | undefined;
    switch (input.kind) {
      case "url":
      case "email":
      case "uuid":
        value = pool[input.kind].shift();
        break;
      case "time":
        value = timeIn(withoutUrls);
        break;
      case "repo":
        value = /(?:^|\s)([A-Za-z0-9][\w.-]*\/[\w.-]+)(?=$|[\s,.;])/.exec(withoutUrls)?.[1];
        break;
      case "number":
        value = /\b(\d{1,7})\s*(?:people|employees|or more|\+)/i.exec(message)?.[1];
        break;
      case "name":
        value = named[input.key]?.exec(message)?.[1];
        break;
      case "text":
        if (input.key === "language") {
          value = /\binto\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)/.exec(message)?.[1];
        } else if (input.key === "message") {
          value = /\bremind me\b.*?\bto\s+(.+?)(?:\s+(?:at|every|each|on)\s+\d.*)?[.!]?$/i.exec(
            message.trim(),
          )?.[1];
        }
        break;
    }
    if (value) values[input.key] = value;
  }
  return values;
}

/** The demo's sample URL for each url input with a sample, under the server's own address. */
function sampleValues(template: WorkflowTemplate, serverUrl: string, keys?: ReadonlySet<string>) {
  return Object.fromEntries(
    template.inputs
      .filter((input) => input.sample && (!keys || keys.has(input.key)))
      .map((input) => [input.key, `${serverUrl}${input.sample}`]),
  );
}

type UseTemplateOutput = {
  ok: boolean;
  id?: string;
  title?: string;
  plan?: unknown;
  missing?: Array<{ key: string; label: string; description: string; example?: string }>;
  secrets?: string[];
  issues?: Array<{ key: string; message: string }>;
  error?: string;
};

type PlannerOutput = {
  ok?: boolean;
  title?: string;
  version?: number;
  workflowId?: string;
  gaveUp?: boolean;
  errors?: Array<{ path: string; message: string }>;
};

/** The newest useTemplate exchange, if nothing was proposed from it yet. */
function pendingTemplate(request: RecordedRequest) {
  const exchanges = toolExchanges(request.messages);
  const lastUse = exchanges.findLastIndex((e) => e.call.name === "useTemplate");
  if (lastUse < 0) return undefined;
  if (exchanges.slice(lastUse + 1).some((e) => e.call.name === "proposeWorkflow")) return undefined;
  const exchange = exchanges[lastUse];
  const output = exchange.result as UseTemplateOutput | undefined;
  if (!output?.ok || !output.missing?.length) return undefined;
  const template = getTemplate(String(exchange.args.id ?? ""));
  if (!template) return undefined;
  const values = isObject(exchange.args.values) ? (exchange.args.values as Json) : {};
  return { template, values, missing: output.missing };
}

/** The newest plan a planner tool saved in this conversation, with its workflow id. */
function latestSavedPlan(request: RecordedRequest) {
  const saved = toolExchanges(request.messages).filter(
    (e) =>
      (e.call.name === "proposeWorkflow" || e.call.name === "reviseWorkflow") &&
      (e.result as PlannerOutput | undefined)?.ok === true &&
      isObject(e.args.plan),
  );
  const last = saved.at(-1);
  if (!last) return undefined;
  return {
    plan: last.args.plan as Json,
    workflowId: String((last.result as PlannerOutput).workflowId ?? ""),
  };
}

/** The plan with its schedule moved to `time`, or why it cannot be. */
function retimed(plan: Json, time: string): Json | string {
  const trigger = plan.trigger;
  if (!isObject(trigger) || trigger.type !== "schedule" || typeof trigger.cron !== "string") {
    return "This workflow has no schedule, so there is no time to change.";
  }
  const fields = trigger.cron.split(/\s+/);
  if (fields.length !== 5 || !/^\d+$/.test(fields[0]) || !/^\d+$/.test(fields[1])) {
    return `It runs on the schedule \`${trigger.cron}\`, not at one time of day, so I cannot move it to ${time}.`;
  }
  const before = `${Number(fields[1])}:${fields[0].padStart(2, "0")}`;
  const [hour, minute] = time.split(":");
  fields[0] = String(Number(minute));
  fields[1] = String(Number(hour));
  const next = structuredClone(plan);
  (next.trigger as Json).cron = fields.join(" ");
  if (typeof next.summary === "string") {
    const after = `${Number(hour)}:${minute}`;
    next.summary = next.summary.split(`0${before}`).join(after).split(before).join(after);
  }
  return next;
}

const has = (request: RecordedRequest, tool: string) => request.tools.includes(tool);

const RUN_IT =
  /^(?:please\s+)?(?:run|start|try|test)\s+(?:it|this|that|the workflow)(?:\s+now)?[.!]*$/i;
const WHY_FAILED = /\bwhy\b.*\bfail|\bwhat went wrong\b|\bwhy did(?:n't| not)? it\b.*\bwork/i;
const RETIME =
  /\b(?:make it|change it to|move it to|run it at|at|to)\b.*\d|\binstead\b|^\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?\s*[.!]?\s*$/i;
const SHOW_TEMPLATES =
  /\b(?:show|list|browse|see|what|which|any)\b.*\btemplates?\b|^\s*templates?\s*[?.!]*\s*$/i;
const USE_TEMPLATE = /\buse (?:the )?template\s+["“'`]?([a-z0-9-]+)/i;
const USE_SAMPLES = /\b(?:use|try)\b.*\bsamples?\b|\bsample data\b/i;

/** The demo model's answer to the person's newest message. */
function answerMessage(request: RecordedRequest, said: string, serverUrl: string): Reply {
  const use = USE_TEMPLATE.exec(said);
  if (use && has(request, "useTemplate")) {
    const template = getTemplate(use[1].toLowerCase());
    if (!template) {
      return text(`There is no template "${use[1]}". Say "show me templates" to see them all.`);
    }
    return toolCall("useTemplate", { id: template.id, values: valuesIn(said, template.inputs) });
  }
  if (SHOW_TEMPLATES.test(said) && has(request, "listTemplates")) {
    const query = /\btemplates?\s+(?:for|about|with|to)\s+(.+?)[?.!]*$/i.exec(said)?.[1];
    return toolCall("listTemplates", query ? { query } : {});
  }

  const pending = pendingTemplate(request);
  if (pending && has(request, "useTemplate")) {
    const keys = new Set(pending.missing.map((m) => m.key));
    const given = USE_SAMPLES.test(said)
      ? sampleValues(pending.template, serverUrl, keys)
      : valuesIn(said, pending.template.inputs, keys);
    // A reminder's words are the whole answer when nothing else is asked.
    if (Object.keys(given).length === 0 && keys.size === 1 && keys.has("message")) {
      given.message = said.trim().replace(/[.!]$/, "");
    }
    if (Object.keys(given).length > 0) {
      return toolCall("useTemplate", {
        id: pending.template.id,
        values: { ...pending.values, ...given },
      });
    }
  }

  const saved = latestSavedPlan(request);
  const workflowId = saved?.workflowId || latestWorkflowId(request);
  if (WHY_FAILED.test(said) && has(request, "listRuns")) {
    return toolCall("listRuns", workflowId ? { workflowId, limit: 10 } : { limit: 10 });
  }
  if (RUN_IT.test(said.trim()) && has(request, "runWorkflow")) {
    if (!workflowId) return text("There is no workflow in this conversation to run yet.");
    return toolCall("runWorkflow", { workflowId });
  }
  const time = timeIn(said);
  if (
    saved &&
    time &&
    RETIME.test(said) &&
    !matchTemplate(said) &&
    has(request, "reviseWorkflow")
  ) {
    const plan = retimed(saved.plan, time);
    if (typeof plan === "string") return text(plan);
    return toolCall("reviseWorkflow", {
      workflowId: saved.workflowId,
      plan,
      note: `Runs at ${time} instead`,
    });
  }

  const template = matchTemplate(said);
  if (template && has(request, "useTemplate")) {
    const fromMessage = valuesIn(said, template.inputs);
    // What the person did not say and the demo has samples for, it fills with those, so the
    // request becomes a plan at once (and says so when the plan is saved).
    return toolCall("useTemplate", {
      id: template.id,
      values: { ...sampleValues(template, serverUrl), ...fromMessage },
    });
  }
  return honestReply(said);
}

/** The sample URLs of the demo a plan uses, for the note after it is saved. */
function samplesUsed(request: RecordedRequest, serverUrl: string): string[] {
  const lastUse = toolExchanges(request.messages).findLast((e) => e.call.name === "useTemplate");
  const values = isObject(lastUse?.args.values) ? Object.values(lastUse.args.values) : [];
  return values.filter(
    (v): v is string => typeof v === "string" && v.startsWith(`${serverUrl}/demo/`),
  );
}

function afterUseTemplate(request: RecordedRequest, output: UseTemplateOutput): Reply {
  if (!output.ok || !output.plan) {
    return text(`I could not use that template: ${output.error ?? "it is not available"}.`);
  }
  const refused = (output.issues ?? []).map((i) => `- ${i.message}`);
  if (output.missing && output.missing.length > 0) {
    const template = getTemplate(output.id ?? "");
    const hasSamples = output.missing.some((m) =>
      template?.inputs.some((i) => i.key === m.key && i.sample),
    );
    return text(
      [
        ...(refused.length > 0 ? ["I could not use:", ...refused, ""] : []),
        `To set up **${output.title}** I need:`,
        ...output.missing.map(
          (m) => `- **${m.label}**: ${m.description}${m.example ? ` (like \`${m.example}\`)` : ""}`,
        ),
        "",
        `${output.missing.length === 1 ? "Reply with it" : "Reply with them in one message"}${
          hasSamples
            ? ', or say "use the samples" to try it first with the demo\'s sample data.'
            : "."
        }`,
      ].join("\n"),
    );
  }
  // The template's schedule, as the request asked ("every Friday at 5pm", "in 20 minutes").
  const plan = isObject(output.plan)
    ? withAskedSchedule(output.plan, requestedIn(request))
    : output.plan;
  return toolCall("proposeWorkflow", { plan });
}

/** What the person asked for the plan being made: their messages since the last plan was saved. */
function requestedIn(request: RecordedRequest): string {
  const messages = request.messages;
  const lastSaved = messages.findLastIndex(
    (m) =>
      m.role === "assistant" &&
      m.toolCalls.some((c) => c.name === "proposeWorkflow" || c.name === "reviseWorkflow"),
  );
  return messages
    .slice(lastSaved + 1)
    .flatMap((m) => (m.role === "user" ? [m.text] : []))
    .join("\n");
}

function afterPlanner(
  request: RecordedRequest,
  output: PlannerOutput | undefined,
  serverUrl: string,
): Reply {
  if (output?.ok) {
    const lines = [
      `I saved "${output.title}" as version ${output.version}. Review it on the card: nothing runs until you approve it.`,
    ];
    const samples = output.version === 1 ? samplesUsed(request, serverUrl) : [];
    if (samples.length > 0) {
      lines.push(
        "",
        `It reads the demo's sample data (${samples.map((s) => `\`${s}\``).join(", ")}), so you can approve it and press **Run now** right away. Send me your real URL to switch.`,
      );
    }
    const secrets = toolExchanges(request.messages).findLast((e) => e.call.name === "useTemplate")
      ?.result as UseTemplateOutput | undefined;
    if (output.version === 1 && secrets?.secrets?.length) {
      lines.push(
        "",
        `Before approving, add ${secrets.secrets.map((s) => `\`${s}\``).join(" and ")} under Settings → Secrets.`,
      );
    }
    return text(lines.join("\n"));
  }
  if (output?.gaveUp) {
    return text(
      "I could not produce a valid plan. The problems are listed above; how should I proceed?",
    );
  }
  const problems = (output?.errors ?? []).map(
    (e) => `- ${e.path ? `${e.path}: ` : ""}${e.message}`,
  );
  return text(["The plan was refused:", ...problems, "", REAL_MODEL_HELP].join("\n"));
}

type RunRow = {
  runId?: string;
  workflow?: string;
  status?: string;
  createdAt?: string;
  error?: string | null;
};

function afterListRuns(output: unknown): Reply {
  const runs = Array.isArray(output) ? (output as RunRow[]) : [];
  const failed = runs.find((run) => run.status === "failed");
  if (failed?.runId) return toolCall("getRun", { runId: failed.runId });
  if (runs.length === 0)
    return text(
      "It has not run yet, so nothing has failed. Approve it and press **Run now** to try it.",
    );
  const newest = runs[0];
  return text(
    `None of its last ${runs.length === 1 ? "run" : `${runs.length} runs`} failed: the newest ${newest.workflow ? `run of "${newest.workflow}" ` : ""}is ${newest.status}.`,
  );
}

type RunRecord = {
  ok?: boolean;
  error?: string;
  run?: { id: string; status: string; createdAt: string; error?: unknown };
  steps?: Array<{
    step: string;
    attempt: number;
    status: string;
    error: string | null;
    took?: string | null;
  }>;
};

/** A hint at what usually causes an error like this one. */
function hintFor(error: string): string | undefined {
  if (/not allowed|allowlist|private address|HTTP_ALLOWLIST/i.test(error)) {
    return "The app's network rules refused that address: a private or loopback address must be listed in `HTTP_ALLOWLIST`.";
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(error)) {
    return "The host name did not resolve: check the URL, or whether this machine is online.";
  }
  if (/\b401\b|\b403\b|unauthori[sz]ed|forbidden/i.test(error)) {
    return "The service refused the credentials: check the secret the step uses under Settings.";
  }
  if (/smtp|email is not configured|SMTP_/i.test(error)) {
    return "Email is not configured: set the SMTP settings (or an `SMTP_URL` secret).";
  }
  if (/secret/i.test(error))
    return "A secret it reads is missing: add it under Settings → Secrets.";
  if (/\b5\d\d\b|timed out|timeout/i.test(error)) {
    return "The service was down or slow; the step's retries did not get through.";
  }
  return undefined;
}

function afterGetRun(output: RunRecord | undefined): Reply {
  if (!output?.ok || !output.run)
    return text(`I could not read that run: ${output?.error ?? "it was not found"}.`);
  const failedSteps = (output.steps ?? []).filter((s) => s.status === "failed");
  const last = failedSteps.at(-1);
  if (!last) {
    return text(
      `That run ${output.run.status === "failed" ? "failed before any step ran" : `is ${output.run.status}`}.`,
    );
  }
  const error = (last.error ?? String(output.run.error ?? "no error was recorded")).replace(
    /\s+/g,
    " ",
  );
  const hint = hintFor(error);
  return text(
    [
      `The run failed at step \`${last.step}\` (attempt ${last.attempt}${last.took ? `, after ${last.took}` : ""}). Its error:`,
      "",
      `> ${error.slice(0, 500)}`,
      ...(hint ? ["", hint] : []),
      "",
      "Open its run card for every attempt and the log.",
    ].join("\n"),
  );
}

/** The tool a tool-result message answers, found through the assistant's call ids. */
function callOf(request: RecordedRequest, toolCallId: string) {
  for (const message of request.messages) {
    if (message.role !== "assistant") continue;
    const call = message.toolCalls.find((c) => c.id === toolCallId);
    if (call) return call;
  }
  return undefined;
}

/** The demo model's answer to a tool result it asked for. */
function answerToolResult(
  request: RecordedRequest,
  name: string,
  output: string,
  serverUrl: string,
): Reply {
  const value = parseToolOutput(output);
  // A call the person declined on its confirmation card.
  if (value === undefined && /denied|declined/i.test(output)) {
    return text("Understood: I did not do it.");
  }
  switch (name) {
    case "listTemplates":
      return text(
        "Here is the gallery: search it or pick a category, and choose **Use this template**. I will ask only for what the template needs from you.",
      );
    case "useTemplate":
      return afterUseTemplate(
        request,
        (value ?? { ok: false, error: output }) as UseTemplateOutput,
      );
    case "proposeWorkflow":
    case "reviseWorkflow":
      return afterPlanner(request, value as PlannerOutput | undefined, serverUrl);
    case "runWorkflow": {
      const run = value as { ok?: boolean; error?: string } | undefined;
      if (run?.ok) return text("Started: its run card shows each step as it goes.");
      if (run?.error) return text(`It did not start: ${run.error}`);
      return text("Not started.");
    }
    case "listRuns":
      return afterListRuns(value);
    case "getRun":
      return afterGetRun(value as RunRecord | undefined);
    default:
      return text("Done.");
  }
}

/**
 * The demo model's reply to a request: a workflow's generation (no tools), the follow-up to a
 * tool result, or the answer to the person's message. `serverUrl` is the demo server's own
 * address (its sample data lives under `<serverUrl>/demo/`).
 */
export function demoAnswer(request: RecordedRequest, serverUrl: string): Reply {
  if (request.tools.length === 0) return generateReply(request);
  const last = request.messages.at(-1);
  if (last?.role === "tool") {
    const call = callOf(request, last.toolCallId);
    return answerToolResult(request, call?.name ?? "", last.text, serverUrl);
  }
  if (last?.role === "user") return answerMessage(request, last.text, serverUrl);
  return text(
    'Hello! I am Flowchat\'s demo model. Tell me what to automate, or say "show me templates".',
  );
}

/** The demo model as a server's default reply (`startOpenAIServer({ defaultReply })`). */
export const demoReply =
  ({ url }: { url: string }): Reply =>
  (request) =>
    demoAnswer(request, url);
