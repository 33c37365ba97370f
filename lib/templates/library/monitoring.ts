// Monitoring and reliability: watch something, say so when it breaks.
import type { WorkflowTemplate } from "../types";

export const statusMonitor: WorkflowTemplate = {
  id: "status-monitor",
  title: "Status-page monitor with acknowledgement",
  description:
    "Every 15 minutes, check a status URL; when it is down, alert here until someone acknowledges.",
  category: "Monitoring & alerts",
  keywords: [
    "monitor",
    "uptime",
    "down",
    "status page",
    "health check",
    "ping",
    "acknowledge",
    "every 15 minutes",
    "every 5 minutes",
  ],
  example:
    "Check our status page every 15 minutes and alert me here when it is down, until I acknowledge.",
  plan: {
    version: 1,
    title: "Status monitor",
    summary:
      "Every 15 minutes, check the status URL; when it is down, post an alert with an acknowledge link and email if nobody acknowledges within 10 minutes.",
    trigger: { type: "schedule", cron: "*/15 * * * *", timezone: "UTC" },
    steps: [
      {
        id: "check",
        title: "Check the status URL",
        action: "http.request",
        input: { url: "https://status.example.com/health" },
        timeout: "20s",
        retry: { attempts: 2, backoff: "fixed", delay: "5s" },
        onError: "continue",
      },
      {
        id: "down",
        title: "Decide whether it is down",
        action: "transform",
        after: ["check"],
        input: {
          value: "{{ steps.check.status = 'failed' or (steps.check.output.status ?? 0) >= 400 }}",
        },
      },
      {
        id: "alert",
        title: "Alert with an acknowledge link",
        action: "chat.post",
        after: ["down"],
        if: "steps.down.output",
        input: {
          text: "**Down:** the status check failed ({{ steps.check.error.message ?? ('HTTP ' & steps.check.output.status) }}). [Acknowledge]({{ waits.ack.url }})",
        },
      },
      {
        id: "ack",
        title: "Wait for an acknowledgement",
        action: "wait.event",
        after: ["alert"],
        if: "steps.down.output",
        input: { timeout: "10m" },
      },
      {
        id: "escalate",
        title: "Email if nobody acknowledged",
        action: "email.send",
        after: ["ack"],
        if: "steps.ack.output.timedOut = true",
        input: {
          to: "{{ user.email }}",
          subject: "Still down, not acknowledged",
          text: "The status check has been failing for 10 minutes and nobody acknowledged the alert.",
        },
      },
    ],
  },
  inputs: [
    {
      key: "statusUrl",
      label: "Status URL",
      description: "An address that answers 2xx while all is well.",
      kind: "url",
      at: ["steps.check.input.url"],
      required: true,
      sample: "/demo/status",
    },
    {
      key: "escalateTo",
      label: "Escalate to",
      description: "Who gets the email when nobody acknowledges; you, unless you say otherwise.",
      kind: "email",
      at: ["steps.escalate.input.to"],
      required: false,
    },
  ],
};

export const retryAndNotify: WorkflowTemplate = {
  id: "retry-and-notify",
  title: "Retry, and tell me if it still fails",
  description:
    "Call an API with retries and back-off; if it still fails, say so here with the error.",
  category: "Monitoring & alerts",
  keywords: ["retry", "retries", "fails", "failure", "tell me", "flaky", "backoff", "notify"],
  example:
    "Call our sync endpoint, retry a few times if it fails, and tell me here if it still fails.",
  plan: {
    version: 1,
    title: "Call with retries",
    summary: "Call the endpoint, retrying 3 times with back-off; on failure, post what went wrong.",
    trigger: { type: "manual" },
    steps: [
      {
        id: "call",
        title: "Call the endpoint",
        action: "http.request",
        input: { url: "https://api.example.com/sync", method: "POST" },
        retry: { attempts: 3, backoff: "exponential", delay: "2s" },
        timeout: "1m",
      },
      {
        id: "done",
        title: "Say it worked",
        action: "chat.post",
        after: ["call"],
        input: { text: "The call succeeded (HTTP {{ steps.call.output.status }})." },
      },
    ],
    onFailure: [
      {
        id: "tell",
        title: "Tell me it failed",
        action: "chat.post",
        input: {
          text: "**It still failed** at step {{ error.step }} after its retries: {{ error.message }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "url",
      label: "Endpoint URL",
      description: "The address to call (a POST).",
      kind: "url",
      at: ["steps.call.input.url"],
      required: true,
      sample: "/demo/flaky",
    },
  ],
};
