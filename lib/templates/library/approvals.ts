// Approvals and waiting: a person decides, or answers, before the run goes on.
import type { WorkflowTemplate } from "../types";

export const approvalFlow: WorkflowTemplate = {
  id: "approval-flow",
  title: "Approval before acting",
  description: "A request arrives by webhook; you approve or reject it in the chat, then it acts.",
  category: "Approvals & waiting",
  keywords: [
    "approve",
    "approval",
    "approves",
    "sign off",
    "refund",
    "expense",
    "request",
    "reject",
  ],
  example:
    "When a refund request arrives by webhook, ask me to approve it, then send it to our billing API.",
  plan: {
    version: 1,
    title: "Approve, then act",
    summary: "Ask for approval of each request (1 day to answer); approved ones are sent on.",
    trigger: {
      type: "webhook",
      description: "A request as JSON: what, amount, requester",
    },
    steps: [
      {
        id: "ask",
        title: "Ask for approval",
        action: "wait.approval",
        input: {
          prompt:
            "Approve {{ trigger.body.what ?? 'this request' }} ({{ trigger.body.amount ?? 'no amount' }}) from {{ trigger.body.requester ?? 'someone' }}?",
          timeout: "1d",
        },
      },
      {
        id: "act",
        title: "Send the approved request on",
        action: "http.request",
        after: ["ask"],
        if: "steps.ask.output.approved",
        input: {
          url: "https://api.example.com/approved",
          method: "POST",
          body: "{{ {'request': trigger.body, 'approvedBy': steps.ask.output.by} }}",
        },
        retry: { attempts: 3, backoff: "exponential" },
      },
      {
        id: "declined",
        title: "Say it was not approved",
        action: "chat.post",
        else: "act",
        input: {
          text: "Not sent: {{ steps.ask.output.timedOut ? 'nobody answered in time' : 'rejected' }}.",
        },
      },
    ],
  },
  inputs: [
    {
      key: "actionUrl",
      label: "Where approved requests go",
      description: "The API that receives each approved request (a POST).",
      kind: "url",
      at: ["steps.act.input.url"],
      required: true,
      sample: "/demo/echo",
    },
  ],
};

export const replyWithDeadline: WorkflowTemplate = {
  id: "reply-with-deadline",
  title: "Wait for a reply, with a deadline",
  description:
    "Email someone a question with an answer link; report the reply, or that none came in time.",
  category: "Approvals & waiting",
  keywords: [
    "reply",
    "answer",
    "deadline",
    "wait for",
    "respond",
    "follow up",
    "by 5pm",
    "question",
  ],
  example:
    "Email a question to a colleague and tell me their answer, or that they did not answer by 17:00.",
  plan: {
    version: 1,
    title: "Question with a deadline",
    summary: "Email the question with an answer link; post the answer, or that none came by 17:00.",
    trigger: {
      type: "manual",
      inputs: { question: { type: "string", description: "What to ask" } },
    },
    steps: [
      {
        id: "ask",
        title: "Email the question",
        action: "email.send",
        input: {
          to: "colleague@example.com",
          subject: "A quick question",
          text: "{{ trigger.inputs.question }}\n\nAnswer here: {{ waits.reply.url }}",
        },
      },
      {
        id: "reply",
        title: "Wait for the answer",
        action: "wait.event",
        after: ["ask"],
        input: { until: "17:00" },
      },
      {
        id: "answered",
        title: "Post the answer",
        action: "chat.post",
        after: ["reply"],
        if: "$not(steps.reply.output.timedOut)",
        input: { text: "The answer came: {{ $string(steps.reply.output.payload) }}" },
      },
      {
        id: "late",
        title: "Say none came",
        action: "chat.post",
        else: "answered",
        input: { text: "No answer came by the deadline." },
      },
    ],
  },
  inputs: [
    {
      key: "to",
      label: "Who to ask",
      description: "The email address the question goes to.",
      kind: "email",
      at: ["steps.ask.input.to"],
      required: true,
    },
    {
      key: "deadline",
      label: "Deadline",
      description: "The local time by which an answer must come (today).",
      kind: "time",
      at: ["steps.reply.input.until"],
      required: false,
    },
  ],
};
