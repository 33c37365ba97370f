// Sample data the demo model serves beside its API, so templates run with no setup and no
// network (`npm run demo` lets the app reach it through HTTP_ALLOWLIST): open incidents, a
// feed, a status page, weekly numbers, a forecast, an echo and an endpoint that fails twice.
import type { IncomingMessage, ServerResponse } from "node:http";

export const SAMPLE_PATHS = [
  "/demo/incidents",
  "/demo/feed.xml",
  "/demo/status",
  "/demo/sales",
  "/demo/weather",
  "/demo/echo",
  "/demo/flaky",
] as const;

export const SAMPLE_INCIDENTS = [
  {
    id: "INC-2041",
    title: "Checkout API returns 502 for card payments",
    severity: "sev-1",
    service: "payments",
    status: "open",
    startedAt: "2026-01-12T06:58:00Z",
  },
  {
    id: "INC-2039",
    title: "Search results are stale by up to 20 minutes",
    severity: "sev-3",
    service: "search",
    status: "open",
    startedAt: "2026-01-11T22:10:00Z",
  },
  {
    id: "INC-2040",
    title: "Login latency above 2 s in eu-west",
    severity: "sev-2",
    service: "identity",
    status: "open",
    startedAt: "2026-01-12T05:31:00Z",
  },
];

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Flowchat demo blog</title><link>https://blog.flowchat.invalid/</link>
<description>Sample feed served by the demo model</description>
<item><title>Durable workflows, explained</title><link>https://blog.flowchat.invalid/durable-workflows</link><guid>demo-post-3</guid><pubDate>Mon, 12 Jan 2026 08:00:00 GMT</pubDate></item>
<item><title>Five automations to start with</title><link>https://blog.flowchat.invalid/five-automations</link><guid>demo-post-2</guid><pubDate>Fri, 09 Jan 2026 08:00:00 GMT</pubDate></item>
<item><title>Why plans before runs</title><link>https://blog.flowchat.invalid/plans-before-runs</link><guid>demo-post-1</guid><pubDate>Tue, 06 Jan 2026 08:00:00 GMT</pubDate></item>
</channel></rss>
`;

const SALES = {
  week: "2026-W02",
  revenue: 48210,
  revenueLastWeek: 45120,
  orders: 612,
  ordersLastWeek: 640,
  refunds: 9,
  topProduct: "Team plan",
};

const WEATHER = {
  latitude: 52.52,
  longitude: 13.41,
  timezone: "Europe/Berlin",
  daily: {
    time: ["2026-01-12"],
    temperature_2m_max: [4.2],
    precipitation_probability_max: [35],
  },
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/json") {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

/** The sample routes for the server's `routes` option; one counter per server for /flaky. */
export function sampleRoutes() {
  let flakyCalls = 0;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    switch (path) {
      case "/demo":
        send(res, 200, { samples: SAMPLE_PATHS });
        return true;
      case "/demo/incidents":
        send(res, 200, SAMPLE_INCIDENTS);
        return true;
      case "/demo/feed.xml":
        send(res, 200, FEED, "application/rss+xml; charset=utf-8");
        return true;
      case "/demo/status":
        if (query.get("down") === "1") send(res, 503, { status: "major_outage" });
        else send(res, 200, { status: "operational", checkedBy: "Flowchat demo model" });
        return true;
      case "/demo/sales":
        send(res, 200, SALES);
        return true;
      case "/demo/weather":
        send(res, 200, WEATHER);
        return true;
      case "/demo/echo":
        send(res, 200, { received: await readBody(req), method: req.method });
        return true;
      case "/demo/flaky":
        // Fails twice, then succeeds: a step with retries shows them and then works.
        flakyCalls += 1;
        if (flakyCalls % 3 !== 0) send(res, 503, { error: "temporarily unavailable (demo)" });
        else send(res, 200, { ok: true, call: flakyCalls });
        return true;
      default:
        return false;
    }
  };
}
