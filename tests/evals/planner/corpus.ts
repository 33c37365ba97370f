// The planner evaluation's corpus: plain-English requests, from "remind me in 20 minutes" to
// multi-branch plans with loops, waits with deadlines, failure handling, chained workflows and
// MCP tools, plus requests whose right answer is a clarifying question or an honest "cannot".
// Each case states facts the proposed plan must have (graders.ts), never its wording. The person
// is in Europe/Berlin; `{fixtures}` is the loopback fixtures' URL (fixtures.ts).
import type { McpServerTools } from "@/lib/mcp/types";
import type { EvalCase } from "./harness";

export const EVAL_TIMEZONE = "Europe/Berlin";

/** The MCP servers the evaluated person has connected (only their tool lists are used). */
export const EVAL_MCP_SERVERS: McpServerTools[] = [
  {
    server: "github",
    tools: [
      {
        name: "list_pull_requests",
        description: "List pull requests of a repository.",
        inputSchema: {
          type: "object",
          properties: { repo: { type: "string" }, state: { type: "string" } },
          required: ["repo"],
        },
        readOnly: true,
      },
      {
        name: "create_issue",
        description: "Open an issue in a repository.",
        inputSchema: {
          type: "object",
          properties: {
            repo: { type: "string" },
            title: { type: "string" },
            body: { type: "string" },
          },
          required: ["repo", "title"],
        },
      },
    ],
  },
  {
    server: "calendar",
    tools: [
      {
        name: "list_events",
        description: "Events of the person's calendar between two instants.",
        inputSchema: {
          type: "object",
          properties: { from: { type: "string" }, to: { type: "string" } },
          required: ["from", "to"],
        },
        readOnly: true,
      },
    ],
  },
  {
    server: "linear",
    tools: [
      {
        name: "create_issue",
        description: "Create a Linear issue in a team.",
        inputSchema: {
          type: "object",
          properties: {
            team: { type: "string" },
            title: { type: "string" },
            description: { type: "string" },
          },
          required: ["title"],
        },
      },
    ],
  },
];

const ME = "user\\.email";

export const CORPUS: EvalCase[] = [
  // Simple: one trigger, one or two steps.
  {
    id: "remind-in-20-minutes",
    level: "simple",
    request: "Remind me in 20 minutes to stretch.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "once", inMinutes: 20, toleranceMinutes: 2 },
        { check: "actions", include: ["chat.post"], exclude: ["email.send", "slack.post"] },
      ],
    },
  },
  {
    id: "standup-reminder-weekdays",
    level: "simple",
    request: "Every weekday at 9:15, remind me here to post my standup update.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "15 9 * * 1-5", timezone: EVAL_TIMEZONE },
        { check: "actions", include: ["chat.post"] },
      ],
    },
  },
  {
    id: "tomorrow-at-nine",
    level: "simple",
    request: "Tomorrow at 9am, remind me to call the dentist.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "once", localTime: "09:00", dayOffset: 1 },
        { check: "actions", include: ["chat.post"] },
      ],
    },
  },
  {
    id: "weekly-closed-tickets-email",
    level: "simple",
    request:
      "Every Friday at 5pm, email me the list of closed tickets from {fixtures}/tickets?state=closed.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 17 * * 5", timezone: EVAL_TIMEZONE },
        { check: "actions", include: ["http.request", "email.send"] },
        { check: "recipient", action: "email.send", matches: ME },
        { check: "input", action: "http.request", path: "url", matches: "/tickets" },
      ],
    },
  },
  {
    id: "morning-weather-post",
    level: "simple",
    request: "Every morning at 8, fetch {fixtures}/weather and post the forecast here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 8 * * *", timezone: EVAL_TIMEZONE },
        { check: "actions", include: ["http.request", "chat.post"], exclude: ["email.send"] },
        { check: "input", action: "http.request", path: "url", matches: "/weather" },
      ],
    },
    testRun: {},
  },
  {
    id: "webhook-into-chat",
    level: "simple",
    request: "Give me a webhook; whenever it is called, post the request body here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "actions", include: ["chat.post"] },
      ],
    },
    testRun: { trigger: { hello: "world" } },
  },
  {
    id: "order-webhook-once",
    level: "simple",
    request:
      "Give me a webhook for my shop's new orders and post each order's id here. The shop retries deliveries, so ignore duplicates with the same order id, and don't run twice at once.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "actions", include: ["chat.post"] },
        { check: "limits", singleton: "skip", idempotencyKey: "trigger.body.id" },
      ],
    },
    testRun: { trigger: { id: "A-1" } },
  },
  {
    id: "settle-burst-then-sync",
    level: "simple",
    request:
      "When my webhook gets called, fetch {fixtures}/orders and post how many there are. It comes in bursts: wait for the burst to settle for 5 minutes and run once, and stop a run after 10 minutes.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "actions", include: ["http.request", "chat.post"] },
        { check: "limits", has: ["debounce", "timeout"] },
      ],
    },
  },
  {
    id: "slack-log-hours",
    level: "simple",
    request:
      "Every day at 18:00 post 'Time to log your hours' to our Slack channel; the incoming webhook is stored as the secret SLACK_WEBHOOK.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 18 * * *", timezone: EVAL_TIMEZONE },
        { check: "recipient", action: "slack.post", matches: "secrets\\.SLACK_WEBHOOK" },
      ],
    },
  },
  {
    id: "manual-order-count",
    level: "simple",
    request:
      "Make a workflow I can run by hand that fetches {fixtures}/orders and posts how many orders there are.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "manual" },
        { check: "actions", include: ["http.request", "chat.post"] },
        { check: "testRun", outcomes: { ran: ["http.request"], simulated: ["chat.post"] } },
      ],
    },
    testRun: {},
  },
  {
    id: "monthly-invoice-reminder",
    level: "simple",
    request:
      "On the first of every month at 10:00, email finance@acme.test a reminder to send the invoices.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 10 1 * *", timezone: EVAL_TIMEZONE },
        { check: "recipient", action: "email.send", matches: "finance@acme\\.test" },
      ],
    },
  },
  {
    id: "in-one-hour-status",
    level: "simple",
    request: "In one hour, fetch {fixtures}/status and tell me here what it says.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "once", inMinutes: 60, toleranceMinutes: 2 },
        { check: "actions", include: ["http.request", "chat.post"] },
      ],
    },
  },

  // Medium: conditions, state, AI, MCP, webhooks.
  {
    id: "incident-digest-sev1-email",
    level: "medium",
    request:
      "Every weekday at 7:30, fetch open incidents from {fixtures}/incidents, post a summary here, and if any of them is sev-1 also email me.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "30 7 * * 1-5", timezone: EVAL_TIMEZONE },
        { check: "actions", include: ["http.request", "chat.post", "email.send"] },
        { check: "condition", guards: "email.send", reads: ["http.request"] },
        { check: "recipient", action: "email.send", matches: ME },
        {
          check: "testRun",
          outcomes: { ran: ["http.request"], simulated: ["email.send", "chat.post"] },
        },
      ],
    },
    testRun: {},
  },
  {
    id: "price-drop-alert",
    level: "medium",
    request:
      "Check the price at {fixtures}/price every 30 minutes and email me when it is below 100.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "*/30 * * * *" },
        { check: "condition", guards: "email.send", reads: ["http.request"] },
        { check: "recipient", action: "email.send", matches: ME },
        // The fixture's price is 120: no email.
        {
          check: "testRun",
          outcomes: { skipped: ["email.send"] },
          not: { simulated: ["email.send"] },
        },
      ],
    },
    testRun: {},
  },
  {
    id: "nightly-sync-retry-tell-me",
    level: "medium",
    request:
      "Every night at 2am, POST to {fixtures}/sync. Retry 3 times if it fails, and if it still fails, tell me here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 2 * * *", timezone: EVAL_TIMEZONE },
        { check: "input", action: "http.request", path: "method", matches: "^POST$" },
        { check: "failure", handler: "retry", action: ["http.request"] },
        { check: "failure", handler: "onFailure", action: ["chat.post"] },
      ],
    },
  },
  {
    id: "status-down-alert",
    level: "medium",
    request:
      'Every 5 minutes, check {fixtures}/status (JSON with a status field) and alert me here when the status is not "ok".',
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "*/5 * * * *" },
        { check: "condition", guards: "chat.post", reads: ["http.request"] },
        // The fixture says "down": the alert goes out.
        { check: "testRun", outcomes: { simulated: ["chat.post"] } },
      ],
    },
    testRun: {},
  },
  {
    id: "feed-without-repeats",
    level: "medium",
    request:
      "Every hour, read {fixtures}/feed and post the new items here, skipping the ones I've already seen.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 * * * *" },
        { check: "actions", include: ["http.request", "store.get", "store.set", "chat.post"] },
      ],
    },
  },
  {
    id: "webhook-translate-slack",
    level: "medium",
    request:
      "When our contact form's webhook fires, translate the message into German and post it to Slack (webhook URL in the secret SLACK_WEBHOOK).",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "actions", include: ["ai.generate", "slack.post"] },
        { check: "recipient", action: "slack.post", matches: "secrets\\.SLACK_WEBHOOK" },
      ],
    },
  },
  {
    id: "email-when-import-fails",
    level: "medium",
    request: 'Whenever my "Nightly import" workflow fails, email me.',
    workflows: ["Nightly import"],
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "event", event: "workflow/run.finished" },
        { check: "recipient", action: "email.send", matches: ME },
      ],
    },
  },
  {
    id: "mcp-github-pull-requests",
    level: "medium",
    request:
      "Every Monday at 9, list the open pull requests of acme/api with the GitHub MCP server and post them here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 9 * * 1", timezone: EVAL_TIMEZONE },
        { check: "input", action: "mcp.call", path: "server", matches: "^github$" },
        { check: "input", action: "mcp.call", path: "tool", matches: "^list_pull_requests$" },
        { check: "input", action: "mcp.call", path: "arguments.repo", matches: "acme/api" },
        { check: "actions", include: ["chat.post"] },
      ],
    },
  },
  {
    id: "mcp-calendar-today",
    level: "medium",
    request: "Every weekday at 8, get today's events from my calendar and post them here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 8 * * 1-5", timezone: EVAL_TIMEZONE },
        { check: "input", action: "mcp.call", path: "server", matches: "^calendar$" },
        { check: "input", action: "mcp.call", path: "tool", matches: "^list_events$" },
        { check: "actions", include: ["chat.post"] },
      ],
    },
  },
  {
    id: "thank-each-customer",
    level: "medium",
    request:
      "Every morning at 7, fetch yesterday's orders from {fixtures}/orders and email each customer a short thank-you note at their address in the order.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 7 * * *" },
        { check: "loop", body: "email.send", over: ["http.request"] },
        { check: "recipient", action: "email.send", matches: "\\bitem\\b" },
      ],
    },
  },
  {
    id: "approve-blog-draft",
    level: "medium",
    request:
      "When a blog draft arrives on a webhook, ask me to approve it, and only if I approve, post it to Slack (secret SLACK_WEBHOOK).",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "wait", action: "wait.approval", branches: ["slack.post"] },
        { check: "condition", guards: "slack.post", reads: ["wait.approval"] },
        {
          check: "testRun",
          outcomes: { simulated: ["slack.post"] },
        },
      ],
    },
    testRun: {
      trigger: { title: "Spring release", text: "We shipped!" },
      waits: { "wait.approval": "approved" },
    },
  },
  {
    id: "signup-follow-up-delay",
    level: "medium",
    request:
      "When a new signup arrives on a webhook (JSON with email and name), wait 2 days and then email that person a friendly follow-up.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "wait", action: "wait.delay" },
        { check: "recipient", action: "email.send", matches: "trigger\\.body\\.email" },
      ],
    },
  },
  {
    id: "weekly-feed-summary-email",
    level: "medium",
    request:
      "Every Sunday at 20:00, summarize the posts at {fixtures}/feed with AI and email the summary to team@acme.test.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 20 * * 0", timezone: EVAL_TIMEZONE },
        { check: "actions", include: ["http.request", "ai.generate", "email.send"] },
        { check: "recipient", action: "email.send", matches: "team@acme\\.test" },
      ],
    },
  },
  {
    id: "count-webhook-calls",
    level: "medium",
    request:
      "Each time my webhook is called, add one to a running total of calls and post the new total here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "actions", include: ["store.get", "store.set", "chat.post"] },
      ],
    },
  },

  // Hard: several branches, loops, waits with deadlines, failure handling, chains.
  {
    id: "confirm-venue-deadline",
    level: "hard",
    request:
      "Right now, email bob@acme.test asking him to confirm the venue by clicking a link, then wait for his click until 17:00 today; if he hasn't clicked by then, remind me here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "recipient", action: "email.send", matches: "bob@acme\\.test" },
        {
          check: "wait",
          action: "wait.event",
          deadline: true,
          after: "email.send",
          branches: ["chat.post"],
        },
        { check: "input", action: "email.send", path: "text", matches: "waits\\." },
      ],
    },
  },
  {
    id: "deploy-after-approval",
    level: "hard",
    request:
      "Make a workflow I start by hand that asks me to approve a deploy; if I approve within 2 hours, POST to {fixtures}/deploy; if I reject or don't answer in time, tell me here that it was cancelled.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "manual" },
        { check: "wait", action: "wait.approval", deadline: true, branches: ["http.request"] },
        { check: "condition", guards: "http.request", reads: ["wait.approval"] },
        { check: "condition", guards: "chat.post", reads: ["wait.approval"] },
        {
          check: "testRun",
          outcomes: { skipped: ["http.request"], simulated: ["chat.post"] },
        },
      ],
    },
    // The approval times out in the test: no deploy, a cancellation message.
    testRun: { waits: { "wait.approval": "timeout" } },
  },
  {
    id: "incidents-three-way",
    level: "hard",
    request:
      "Every weekday at 9, fetch {fixtures}/incidents. If any is sev-1, email oncall@acme.test; if there are only minor ones, post them here; if there are none, do nothing.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 9 * * 1-5", timezone: EVAL_TIMEZONE },
        { check: "condition", guards: "email.send", reads: ["http.request"] },
        { check: "condition", guards: "chat.post", reads: ["http.request"] },
        { check: "recipient", action: "email.send", matches: "oncall@acme\\.test" },
        // The fixture has a sev-1: the email goes, the "only minor" post does not.
        { check: "testRun", outcomes: { simulated: ["email.send"], skipped: ["chat.post"] } },
      ],
    },
    testRun: {},
  },
  {
    id: "check-every-site",
    level: "hard",
    request:
      "Every night at 1:00, fetch the list of site URLs from {fixtures}/sites and check each one; keep going when one fails, and post the list of broken ones here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 1 * * *", timezone: EVAL_TIMEZONE },
        { check: "loop", body: "http.request", over: ["http.request"] },
        { check: "failure", handler: "continue", action: ["http.request"] },
        { check: "actions", include: ["chat.post"] },
      ],
    },
  },
  {
    id: "chain-inventory-after-sync",
    level: "hard",
    request:
      'After my "Warehouse sync" workflow finishes successfully, run my "Inventory report" workflow.',
    workflows: ["Warehouse sync", "Inventory report"],
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "event", event: "workflow/run.finished" },
        { check: "actions", include: ["workflow.run"] },
      ],
    },
  },
  {
    id: "approve-each-expense",
    level: "hard",
    request:
      "Every Monday at 8, fetch the pending expense reports from {fixtures}/expenses and ask me once to approve the batch; if I approve within a day, email each report separately to finance@acme.test.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 8 * * 1", timezone: EVAL_TIMEZONE },
        { check: "wait", action: "wait.approval", deadline: true, branches: ["email.send"] },
        { check: "loop", body: "email.send", over: ["http.request"] },
        { check: "recipient", action: "email.send", matches: "finance@acme\\.test" },
        { check: "testRun", outcomes: { simulated: ["email.send"] } },
      ],
    },
    testRun: { waits: { "wait.approval": "approved" } },
  },
  {
    id: "backup-check-deadline",
    level: "hard",
    request:
      "Every weekday at 8:00, ask me here whether the backup looks fine; if I haven't answered by 8:30, email ops@acme.test.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 8 * * 1-5", timezone: EVAL_TIMEZONE },
        {
          check: "wait",
          action: ["wait.approval", "wait.event"],
          deadline: true,
          branches: ["email.send"],
        },
        { check: "recipient", action: "email.send", matches: "ops@acme\\.test" },
      ],
    },
  },
  {
    id: "export-with-failure-email",
    level: "hard",
    request:
      "Every day at 3am, POST to {fixtures}/export with a 10 minute timeout; if the run fails for any reason, email me the error.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 3 * * *", timezone: EVAL_TIMEZONE },
        { check: "failure", handler: "onFailure", action: ["email.send"] },
        { check: "recipient", action: "email.send", matches: ME },
      ],
    },
  },
  {
    id: "urgent-ticket-to-linear",
    level: "hard",
    request:
      'When the support webhook receives a ticket (JSON with subject, body and priority), create a Linear issue with the linear MCP server if the priority is "urgent"; otherwise just post the ticket here.',
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "input", action: "mcp.call", path: "server", matches: "^linear$" },
        { check: "condition", guards: "mcp.call", reads: ["trigger"] },
        { check: "condition", guards: "chat.post", reads: ["trigger"] },
        { check: "testRun", outcomes: { simulated: ["mcp.call"], skipped: ["chat.post"] } },
      ],
    },
    testRun: { trigger: { subject: "Site down", body: "Nothing loads", priority: "urgent" } },
  },
  {
    id: "parallel-morning-brief",
    level: "hard",
    request:
      "Every morning at 7, fetch {fixtures}/weather and {fixtures}/incidents at the same time and post one combined message here.",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "schedule", cron: "0 7 * * *", timezone: EVAL_TIMEZONE },
        { check: "input", action: "http.request", path: "url", matches: "/weather" },
        { check: "input", action: "http.request", path: "url", matches: "/incidents" },
        { check: "testRun", outcomes: { ran: ["http.request"], simulated: ["chat.post"] } },
      ],
    },
    testRun: {},
  },
  {
    id: "lead-router",
    level: "hard",
    request:
      "When the leads webhook fires (JSON with company, employees and email), email sales@acme.test if the company has 100 or more employees; otherwise post the lead to Slack (secret SLACK_WEBHOOK).",
    expect: {
      answer: "plan",
      checks: [
        { check: "trigger", type: "webhook" },
        { check: "condition", guards: "email.send", reads: ["trigger"] },
        { check: "recipient", action: "email.send", matches: "sales@acme\\.test" },
        { check: "recipient", action: "slack.post", matches: "secrets\\.SLACK_WEBHOOK" },
        { check: "testRun", outcomes: { simulated: ["email.send"], skipped: ["slack.post"] } },
      ],
    },
    testRun: { trigger: { company: "Globex", employees: 250, email: "cto@globex.test" } },
  },

  // Ambiguous on purpose: the right answer is a question, not a guess.
  {
    id: "ambiguous-weekly-report",
    level: "ambiguous",
    request: "Send the report every week.",
    expect: { answer: "clarify", about: ["report", "which", "what", "where", "who"] },
  },
  {
    id: "ambiguous-email-the-team",
    level: "ambiguous",
    request: "Email the team when it's done.",
    expect: { answer: "clarify", about: ["team", "address", "what", "which", "who"] },
  },
  {
    id: "ambiguous-monitor-website",
    level: "ambiguous",
    request: "Monitor our website.",
    expect: { answer: "clarify", about: ["url", "address", "website", "which", "how"] },
  },
  {
    id: "ambiguous-weather-where",
    level: "ambiguous",
    request: "Post the weather to Slack every morning.",
    expect: {
      answer: "clarify",
      about: ["city", "location", "where", "which", "source", "webhook"],
    },
  },
  {
    id: "ambiguous-remind-later",
    level: "ambiguous",
    request: "Remind me about it later.",
    expect: { answer: "clarify", about: ["what", "when", "time"] },
  },

  // What the product cannot do: the right answer says so.
  {
    id: "cannot-phone-call",
    level: "impossible",
    request: "Call my mom on the phone every Sunday at 6pm and talk to her for me.",
    expect: { answer: "decline" },
  },
  {
    id: "cannot-water-plants",
    level: "impossible",
    request: "Water the plants on my balcony every morning.",
    expect: { answer: "decline" },
  },
  {
    id: "cannot-watch-screen",
    level: "impossible",
    request: "Watch my screen all day and tell me when I get distracted.",
    expect: { answer: "decline" },
  },
  {
    id: "cannot-every-second",
    level: "impossible",
    request: "Ping {fixtures}/ok every second, all day.",
    expect: { answer: "decline" },
  },
];
