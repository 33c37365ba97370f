// Webhooks: something outside calls the workflow's URL, the workflow routes it.
import type { WorkflowTemplate } from "../types";

export const leadRouter: WorkflowTemplate = {
  id: "lead-router",
  title: "Webhook lead router",
  description: "A new lead arrives by webhook; big companies go to sales on Slack, the rest here.",
  category: "Webhooks",
  keywords: ["lead", "leads", "signup", "route", "router", "sales", "crm", "form", "webhook"],
  example:
    "When a new lead arrives by webhook, send big companies to our sales Slack and the rest here.",
  plan: {
    version: 1,
    title: "Lead router",
    summary:
      "Leads from companies with 50 people or more go to sales on Slack; the others are posted here.",
    trigger: {
      type: "webhook",
      description: "A lead as JSON: name, email, company, employees",
    },
    steps: [
      {
        id: "sales",
        title: "Send big leads to sales",
        action: "slack.post",
        if: "(trigger.body.employees ?? 0) >= 50",
        input: {
          webhook: "{{ secrets.SALES_SLACK_WEBHOOK }}",
          text: "New lead: {{ trigger.body.name ?? 'someone' }} ({{ trigger.body.email ?? 'no email' }}) at {{ trigger.body.company ?? 'an unnamed company' }}, {{ trigger.body.employees }} people",
        },
      },
      {
        id: "here",
        title: "Post the others here",
        action: "chat.post",
        else: "sales",
        input: {
          text: "New lead: {{ trigger.body.name ?? 'someone' }} ({{ trigger.body.email ?? 'no email' }}) at {{ trigger.body.company ?? 'an unnamed company' }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "threshold",
      label: "Company size for sales",
      description: "Leads from companies at least this big go to sales.",
      kind: "number",
      at: ["steps.sales.if", "summary"],
      replace: "50",
      required: false,
    },
    {
      key: "slack",
      label: "Sales Slack webhook",
      description:
        "The sales channel's incoming-webhook URL, saved as the secret SALES_SLACK_WEBHOOK.",
      kind: "secret",
      secret: "SALES_SLACK_WEBHOOK",
      at: [],
      required: true,
    },
  ],
};

export const translateToSlack: WorkflowTemplate = {
  id: "translate-to-slack",
  title: "Webhook → translate → Slack",
  description: "Text sent to a webhook is translated and posted to a Slack channel.",
  category: "Webhooks",
  keywords: ["translate", "translation", "language", "english", "slack", "webhook"],
  example: "When text arrives at a webhook, translate it into English and post it to Slack.",
  plan: {
    version: 1,
    title: "Translate to Slack",
    summary: "Translate the webhook's text into English and post it to Slack.",
    trigger: { type: "webhook", description: 'JSON with the text to translate: { "text": "…" }' },
    steps: [
      {
        id: "translate",
        title: "Translate",
        action: "ai.generate",
        input: {
          prompt:
            "Translate into English. Answer with the translation only.\n\n{{ trigger.body.text }}",
        },
      },
      {
        id: "post",
        title: "Post to Slack",
        action: "slack.post",
        after: ["translate"],
        input: {
          webhook: "{{ secrets.SLACK_WEBHOOK }}",
          text: "{{ steps.translate.output.text }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "language",
      label: "Translate into",
      description: "The language to translate into.",
      kind: "text",
      at: ["steps.translate.input.prompt", "summary"],
      replace: "English",
      required: false,
    },
    {
      key: "slack",
      label: "Slack webhook",
      description: "The channel's incoming-webhook URL, saved as the secret SLACK_WEBHOOK.",
      kind: "secret",
      secret: "SLACK_WEBHOOK",
      at: [],
      required: true,
    },
  ],
};

export const formToChat: WorkflowTemplate = {
  id: "form-to-chat",
  title: "Webhook into the chat",
  description: "Whatever is sent to the workflow's webhook is posted here, neatly.",
  category: "Webhooks",
  keywords: ["webhook", "form", "submission", "submissions", "post here", "notify me", "incoming"],
  example: "When our contact form sends a submission to a webhook, post it here.",
  plan: {
    version: 1,
    title: "Form submissions",
    summary: "Post each submission sent to the webhook.",
    trigger: { type: "webhook", description: "Any JSON body" },
    steps: [
      {
        id: "post",
        title: "Post it here",
        action: "chat.post",
        input: {
          text: "**New submission**\n\n```json\n{{ $string(trigger.body, true) }}\n```",
        },
      },
    ],
  },
  inputs: [
    {
      key: "heading",
      label: "Heading",
      description: "What each post is called.",
      kind: "text",
      at: ["steps.post.input.text"],
      replace: "New submission",
      required: false,
    },
  ],
};
