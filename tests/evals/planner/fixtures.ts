// The loopback fixtures the corpus's requests point at (`{fixtures}/incidents`…): small JSON
// answers a test run of a proposed plan reads for real, so a grader can check which branch the
// plan takes on known data. Binds to 127.0.0.1 only; the harness allows its port in
// HTTP_ALLOWLIST.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const ROUTES: Record<string, unknown> = {
  "/incidents": [
    { id: 101, title: "Checkout API returns 500s", severity: "sev-1", state: "open" },
    { id: 102, title: "Slow dashboard", severity: "sev-3", state: "open" },
  ],
  "/price": { product: "Standing desk", price: 120, currency: "EUR" },
  "/status": { status: "down", components: [{ name: "api", status: "major_outage" }] },
  "/weather": { city: "Berlin", forecast: "light rain", high: 14, low: 8 },
  "/orders": [
    { id: "A-1", customer: "Mia", email: "mia@customers.test", total: 40 },
    { id: "A-2", customer: "Noah", email: "noah@customers.test", total: 75 },
  ],
  "/feed": {
    items: [
      { id: "p1", title: "Release 2.3", link: "https://blog.acme.test/2-3" },
      { id: "p2", title: "Hiring", link: "https://blog.acme.test/hiring" },
    ],
  },
  "/tickets": [
    { id: 7, title: "Login loop", state: "closed" },
    { id: 9, title: "Typo on pricing page", state: "closed" },
  ],
  "/sites": ["{self}/ok", "{self}/broken"],
  "/expenses": [
    { id: "E-1", who: "Lena", amount: 42.5 },
    { id: "E-2", who: "Omar", amount: 310 },
  ],
  "/ok": { ok: true },
};

export interface FixtureServer {
  url: string;
  close(): Promise<void>;
}

export async function startFixtures(port = 0): Promise<FixtureServer> {
  let base = "";
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    // Anything posted is accepted (a plan's own POSTs are simulated in a test run anyway).
    const body =
      path === "/broken" ? undefined : req.method === "GET" ? ROUTES[path] : { accepted: true };
    if (body === undefined) {
      res.writeHead(path === "/broken" ? 503 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: path === "/broken" ? "unavailable" : "not found" }));
      return;
    }
    const text = JSON.stringify(body).replaceAll("{self}", base);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
