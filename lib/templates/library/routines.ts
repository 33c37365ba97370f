// Routines and reminders: the same small thing at the same time.
import type { WorkflowTemplate } from "../types";

const time = {
  key: "time",
  label: "Time of day",
  description: "When it runs, in your time zone.",
  kind: "time",
  at: ["trigger.cron"],
  required: false,
} as const satisfies WorkflowTemplate["inputs"][number];

const calendarServer = {
  key: "calendarServer",
  label: "Calendar MCP server",
  description: "The name of your calendar's MCP server under Settings.",
  kind: "name",
  at: ["steps.events.input.server"],
  required: false,
} as const satisfies WorkflowTemplate["inputs"][number];

export const morningRoutine: WorkflowTemplate = {
  id: "morning-routine",
  title: "Morning briefing",
  description:
    "Every weekday at 7:00, the weather and today's meetings in one short briefing here.",
  category: "Routines & reminders",
  keywords: ["morning", "briefing", "routine", "weather", "my day", "start of day", "good morning"],
  example: "Every weekday at 7:00, give me a morning briefing with the weather and my meetings.",
  plan: {
    version: 1,
    title: "Morning briefing",
    summary: "Every weekday at 7:00, post a briefing of the weather and today's meetings.",
    trigger: { type: "schedule", cron: "0 7 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "weather",
        title: "Fetch the forecast",
        action: "http.request",
        input: {
          url: "https://api.open-meteo.com/v1/forecast?latitude=52.52&longitude=13.41&daily=temperature_2m_max,precipitation_probability_max&timezone=auto&forecast_days=1",
        },
        retry: { attempts: 2, backoff: "exponential" },
        timeout: "20s",
        onError: "continue",
      },
      {
        id: "events",
        title: "Read today's meetings",
        action: "mcp.call",
        input: {
          server: "calendar",
          tool: "list_events",
          arguments: { from: "{{ $startOfLocalDay() }}", to: "{{ $startOfLocalDay(now, 1) }}" },
        },
        timeout: "30s",
        onError: "continue",
      },
      {
        id: "brief",
        title: "Write the briefing",
        action: "ai.generate",
        after: ["weather", "events"],
        input: {
          prompt:
            "Write my morning briefing for {{ $weekday() }}: first the weather, then today's meetings, in a few short lines.\nWeather: {{ $string(steps.weather.output.body ?? 'unavailable') }}\nMeetings: {{ steps.events.output.text ?? 'no calendar connected' }}",
        },
      },
      {
        id: "post",
        title: "Post it",
        action: "chat.post",
        after: ["brief"],
        input: { text: "**Good morning**\n\n{{ steps.brief.output.text }}" },
      },
    ],
  },
  inputs: [
    {
      key: "weatherUrl",
      label: "Weather forecast URL",
      description:
        "A forecast API for your place, e.g. Open-Meteo's with your latitude and longitude.",
      kind: "url",
      at: ["steps.weather.input.url"],
      required: true,
      sample: "/demo/weather",
    },
    calendarServer,
    time,
  ],
};

export const calendarDigest: WorkflowTemplate = {
  id: "calendar-digest",
  title: "Daily calendar digest",
  description: "Every weekday morning, today's meetings from your calendar, summarized here.",
  category: "Routines & reminders",
  keywords: ["calendar", "meetings", "agenda", "schedule today", "events", "appointments"],
  example: "Every weekday at 8:00, post a digest of today's meetings from my calendar.",
  plan: {
    version: 1,
    title: "Calendar digest",
    summary: "Every weekday at 8:00, post today's meetings.",
    trigger: { type: "schedule", cron: "0 8 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "events",
        title: "Read today's meetings",
        action: "mcp.call",
        input: {
          server: "calendar",
          tool: "list_events",
          arguments: { from: "{{ $startOfLocalDay() }}", to: "{{ $startOfLocalDay(now, 1) }}" },
        },
        timeout: "30s",
        retry: { attempts: 2, backoff: "exponential" },
      },
      {
        id: "summarize",
        title: "Summarize the day",
        action: "ai.generate",
        after: ["events"],
        input: {
          prompt:
            "Write a short digest of today's meetings: times, titles, what to prepare. {{ steps.events.output.text ?? $string(steps.events.output.structured) }}",
        },
      },
      {
        id: "post",
        title: "Post the digest",
        action: "chat.post",
        after: ["summarize"],
        input: { text: "**Today, {{ $localDate() }}**\n\n{{ steps.summarize.output.text }}" },
      },
    ],
  },
  inputs: [
    {
      ...calendarServer,
      description: "The name of your calendar's MCP server under Settings (connect one first).",
      required: true,
    },
    time,
  ],
};

export const reminder: WorkflowTemplate = {
  id: "reminder",
  title: "Reminder",
  description: "A reminder posted here at the same time every weekday.",
  category: "Routines & reminders",
  keywords: ["remind", "reminder", "don't forget", "nudge", "every day at", "timesheet"],
  example: "Remind me every weekday at 16:30 to fill in my timesheet.",
  plan: {
    version: 1,
    title: "Reminder",
    summary: "Every weekday at 16:30, remind me here: fill in your timesheet.",
    trigger: { type: "schedule", cron: "30 16 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "post",
        title: "Post the reminder",
        action: "chat.post",
        input: { text: "**Reminder:** fill in your timesheet." },
      },
    ],
  },
  inputs: [
    {
      key: "message",
      label: "What to remind you of",
      description: "The reminder's words.",
      kind: "text",
      at: ["steps.post.input.text", "summary"],
      replace: "fill in your timesheet.",
      required: true,
    },
    time,
  ],
};
