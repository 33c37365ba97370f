// Digests and reports: fetch, summarize, deliver on a schedule.
import type { WorkflowTemplate } from "../types";

const time = (step = "trigger.cron"): WorkflowTemplate["inputs"][number] => ({
  key: "time",
  label: "Time of day",
  description: "When it runs, in your time zone.",
  kind: "time",
  at: [step],
  required: false,
});

export const incidentDigest: WorkflowTemplate = {
  id: "incident-digest",
  title: "Incident digest with a sev-1 alert",
  description: "Every weekday morning, summarize open incidents here; a sev-1 gets its own alert.",
  category: "Digests & reports",
  keywords: ["incident", "incidents", "sev-1", "sev1", "outage", "on-call", "status", "summarize"],
  example:
    "Every weekday at 7:30, fetch my team's open incidents, summarize them and post the summary here.",
  plan: {
    version: 1,
    title: "Incident digest",
    summary:
      "Every weekday at 7:30, summarize the open incidents and post them here; a sev-1 is called out at once.",
    trigger: { type: "schedule", cron: "30 7 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "fetch",
        title: "Fetch open incidents",
        action: "http.request",
        input: { url: "https://status.example.com/api/incidents?state=open" },
        retry: { attempts: 3, backoff: "exponential" },
        timeout: "30s",
      },
      {
        id: "summarize",
        title: "Summarize them",
        action: "ai.generate",
        after: ["fetch"],
        input: {
          prompt:
            "Summarize these open incidents for the team in a few bullets, most severe first: {{ $string(steps.fetch.output.body) }}",
        },
      },
      {
        id: "post",
        title: "Post the digest",
        action: "chat.post",
        after: ["summarize"],
        input: { text: "**Open incidents**\n\n{{ steps.summarize.output.text }}" },
      },
      {
        id: "alert",
        title: "Alert on a sev-1",
        action: "chat.post",
        after: ["fetch"],
        if: "$count(steps.fetch.output.body[severity = 'sev-1']) > 0",
        input: {
          text: "**Sev-1 open:** {{ $join(steps.fetch.output.body[severity = 'sev-1'].title, ', ') }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "incidentsUrl",
      label: "Incidents API URL",
      description:
        "An HTTP endpoint that answers a JSON list of incidents with title and severity.",
      kind: "url",
      at: ["steps.fetch.input.url"],
      required: true,
      sample: "/demo/incidents",
    },
    time(),
  ],
};

export const rssDigest: WorkflowTemplate = {
  id: "rss-digest",
  title: "RSS digest without repeats",
  description: "Every morning, post the feed's new items here; items already posted are skipped.",
  category: "Digests & reports",
  keywords: ["rss", "feed", "atom", "blog", "news", "posts", "new items", "dedupe", "repeats"],
  example: "Every morning at 8:00, post the new items of a blog's RSS feed here, without repeats.",
  plan: {
    version: 1,
    title: "RSS digest",
    summary: "Every day at 8:00, post the feed's items not posted before.",
    trigger: { type: "schedule", cron: "0 8 * * *", timezone: "UTC" },
    steps: [
      {
        id: "fetch",
        title: "Fetch the feed",
        action: "http.request",
        input: { url: "https://blog.example.com/feed.xml", responseType: "text" },
        retry: { attempts: 3, backoff: "exponential" },
        timeout: "30s",
      },
      {
        id: "extract",
        title: "Read its items",
        action: "ai.generate",
        after: ["fetch"],
        input: {
          prompt:
            "List the items of this RSS or Atom feed, newest first: a stable id (the guid, else the link), the title and the link.\n{{ steps.fetch.output.body }}",
          schema: {
            type: "object",
            properties: {
              items: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    id: { type: "string" },
                    title: { type: "string" },
                    url: { type: "string" },
                  },
                  required: ["id", "title", "url"],
                },
              },
            },
            required: ["items"],
          },
        },
      },
      {
        id: "seen",
        title: "Recall what was posted",
        action: "store.get",
        input: { key: "seen-ids", default: [] },
      },
      {
        id: "fresh",
        title: "Keep the new items",
        action: "transform",
        after: ["extract", "seen"],
        input: {
          value:
            "{{ [steps.extract.output.object.items[$not(id in $$.steps.seen.output.value)]] }}",
        },
      },
      {
        id: "post",
        title: "Post them",
        action: "chat.post",
        after: ["fresh"],
        if: "$count(steps.fresh.output) > 0",
        input: {
          text: "**New in the feed**\n\n{{ $join(steps.fresh.output.('- [' & title & '](' & url & ')'), '\n') }}",
        },
      },
      {
        id: "remember",
        title: "Remember them",
        action: "store.set",
        after: ["post"],
        input: { key: "seen-ids", value: "{{ [steps.extract.output.object.items.id] }}" },
      },
    ],
  },
  inputs: [
    {
      key: "feedUrl",
      label: "Feed URL",
      description: "The RSS or Atom feed's address.",
      kind: "url",
      at: ["steps.fetch.input.url"],
      required: true,
      sample: "/demo/feed.xml",
    },
    time(),
  ],
};

export const weeklyReport: WorkflowTemplate = {
  id: "weekly-report",
  title: "Weekly report by email",
  description: "Every Monday morning, turn last week's numbers into a short report in your inbox.",
  category: "Digests & reports",
  keywords: ["weekly", "report", "monday", "sales", "numbers", "metrics", "email me", "kpi"],
  example: "Every Monday at 9:00, email me a summary of last week's sales from our API.",
  plan: {
    version: 1,
    title: "Weekly report",
    summary: "Every Monday at 9:00, email a short report of last week's numbers.",
    trigger: { type: "schedule", cron: "0 9 * * 1", timezone: "UTC" },
    steps: [
      {
        id: "fetch",
        title: "Fetch last week's numbers",
        action: "http.request",
        input: { url: "https://api.example.com/reports/weekly" },
        retry: { attempts: 3, backoff: "exponential" },
        timeout: "30s",
      },
      {
        id: "write",
        title: "Write the report",
        action: "ai.generate",
        after: ["fetch"],
        input: {
          prompt:
            "Write a short weekly report from these numbers: the headline, what went up, what went down. {{ $string(steps.fetch.output.body) }}",
        },
      },
      {
        id: "send",
        title: "Email it",
        action: "email.send",
        after: ["write"],
        input: {
          to: "{{ user.email }}",
          subject: "Weekly report, week of {{ $localDate($addDuration(now, '-7d')) }}",
          text: "{{ steps.write.output.text }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "dataUrl",
      label: "Report data URL",
      description: "An HTTP endpoint that answers last week's numbers as JSON.",
      kind: "url",
      at: ["steps.fetch.input.url"],
      required: true,
      sample: "/demo/sales",
    },
    {
      key: "to",
      label: "Send to",
      description: "Who gets the report; you, unless you say otherwise.",
      kind: "email",
      at: ["steps.send.input.to"],
      required: false,
    },
    time(),
  ],
};

export const githubPullRequests: WorkflowTemplate = {
  id: "github-pr-summary",
  title: "GitHub pull-request summary",
  description: "Every weekday morning, summarize a repository's open pull requests here.",
  category: "Digests & reports",
  keywords: [
    "github",
    "pull request",
    "pull requests",
    "prs",
    "pr",
    "review",
    "repository",
    "repo",
  ],
  example: "Every weekday at 9:00, summarize the open pull requests of our GitHub repository here.",
  plan: {
    version: 1,
    title: "Open pull requests",
    summary: "Every weekday at 9:00, post who needs to review what.",
    trigger: { type: "schedule", cron: "0 9 * * 1-5", timezone: "UTC" },
    steps: [
      {
        id: "fetch",
        title: "Fetch open pull requests",
        action: "http.request",
        input: {
          url: "https://api.github.com/repos/OWNER/REPO/pulls?state=open&per_page=50",
          headers: {
            Authorization: "Bearer {{ secrets.GITHUB_TOKEN }}",
            Accept: "application/vnd.github+json",
            "User-Agent": "flowchat",
          },
        },
        retry: { attempts: 3, backoff: "exponential" },
        timeout: "30s",
      },
      {
        id: "summarize",
        title: "Summarize them",
        action: "ai.generate",
        after: ["fetch"],
        input: {
          prompt:
            "Summarize these open pull requests, oldest first: what each does and who should review it. {{ $string([steps.fetch.output.body.{'title': title, 'author': user.login, 'url': html_url, 'opened': created_at}]) }}",
        },
      },
      {
        id: "post",
        title: "Post the summary",
        action: "chat.post",
        after: ["summarize"],
        input: {
          text: "**Open pull requests ({{ $count(steps.fetch.output.body) }})**\n\n{{ steps.summarize.output.text }}",
        },
      },
    ],
  },
  inputs: [
    {
      key: "repo",
      label: "Repository",
      description: 'The GitHub repository, as "owner/name".',
      kind: "repo",
      at: ["steps.fetch.input.url"],
      replace: "OWNER/REPO",
      required: true,
    },
    {
      key: "token",
      label: "GitHub token",
      description:
        "A fine-grained token that can read pull requests, saved as the secret GITHUB_TOKEN.",
      kind: "secret",
      secret: "GITHUB_TOKEN",
      at: [],
      required: true,
    },
    time(),
  ],
};
