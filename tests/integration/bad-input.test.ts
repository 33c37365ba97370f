// Bad input at every JSON route: NUL characters, lone UTF-16 surrogates, absurd nesting,
// malformed JSON, a non-JSON content type and oversized bodies each get a clear 4xx, and leave
// nothing behind (no thread, no secret, no version, no run). Foreign or unknown thread ids on
// "Run now" are a 404 with no run stored; an approval answer without an explicit decision
// decides nothing.
import { randomBytes } from "node:crypto";
import { count } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { runs, secrets, threads, users, workflowVersions } from "@/lib/db/schema";
import { queriesDatabase } from "../helpers/queries";

const session = vi.hoisted(() => ({ userId: undefined as string | undefined }));
vi.mock("@/app/(auth)/auth", () => ({ currentUserId: async () => session.userId }));

const database = queriesDatabase("pglite", {
  env: { SECRETS_KEY: randomBytes(32).toString("base64") },
});
let alice: string;
let bob: string;

type Handler = (request: Request, context: never) => Promise<Response>;
type Target = { name: string; handler: () => Promise<Handler>; params?: Record<string, string> };

const params = (value: Record<string, string> = {}) =>
  ({ params: Promise.resolve(value) }) as never;

/** A well-formed JSON body for the route, with `hostile` in a string position. */
type Shape = (hostile: unknown) => unknown;

let workflowId: string;
let versionId: string;
let bobThread: string;
let routes: { target: Target; shape: Shape }[];

function request(body: string | Uint8Array, contentType = "application/json") {
  return new Request("http://app.test/api", {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
}

async function counts() {
  const db = database.db;
  const [t] = await db.select({ n: count() }).from(threads);
  const [s] = await db.select({ n: count() }).from(secrets);
  const [v] = await db.select({ n: count() }).from(workflowVersions);
  const [r] = await db.select({ n: count() }).from(runs);
  return { threads: t.n, secrets: s.n, versions: v.n, runs: r.n };
}

/** JSON text nested `depth` objects deep (built as text: JSON.stringify would overflow). */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}"bottom"${"}".repeat(depth)}`;
}

beforeAll(async () => {
  [alice, bob] = (
    await database.db
      .insert(users)
      .values([{ email: "alice-bad@example.com" }, { email: "bob-bad@example.com" }])
      .returning()
  ).map((row) => row.id);
  const { getOrCreateThread } = await import("@/lib/db/queries");
  bobThread = crypto.randomUUID();
  await getOrCreateThread({ id: bobThread, userId: bob, title: "Bob's" });
  const { createWorkflow, approveWorkflowVersion } = await import("@/lib/db/workflow-queries");
  const created = await createWorkflow({
    userId: alice,
    title: "Inputs",
    author: "person",
    plan: {
      version: 1,
      title: "Inputs",
      trigger: { type: "manual", inputs: { name: { type: "string" } } },
      steps: [{ id: "a", action: "transform", input: { value: "{{ trigger.inputs.name }}" } }],
    },
  });
  workflowId = created.workflow.id;
  versionId = created.version.id;
  await approveWorkflowVersion({ userId: alice, workflowId, versionId });

  const plan = (title: unknown) => ({
    version: 1,
    title,
    trigger: { type: "manual" },
    steps: [{ id: "a", action: "transform", input: { value: "x" } }],
  });
  routes = [
    {
      target: {
        name: "POST /api/chat",
        handler: async () => (await import("@/app/api/chat/route")).POST as Handler,
      },
      shape: (text) => ({
        trigger: "submit-message",
        id: crypto.randomUUID(),
        message: { id: "m1", role: "user", parts: [{ type: "text", text }] },
      }),
    },
    {
      target: {
        name: "POST /api/secrets",
        handler: async () => (await import("@/app/api/secrets/route")).POST as Handler,
      },
      shape: (value) => ({ name: "TOKEN", value }),
    },
    {
      target: {
        name: "PATCH /api/threads/:id",
        handler: async () => (await import("@/app/api/threads/[id]/route")).PATCH as Handler,
        params: { id: "00000000-0000-4000-8000-000000000000" },
      },
      shape: (title) => ({ title }),
    },
    {
      target: {
        name: "POST /api/workflows/:id/versions",
        handler: async () =>
          (await import("@/app/api/workflows/[id]/versions/route")).POST as Handler,
        params: { id: "" },
      },
      shape: (title) => ({ baseVersionId: versionId, plan: plan(title) }),
    },
    {
      target: {
        name: "POST /api/workflows/validate",
        handler: async () => (await import("@/app/api/workflows/validate/route")).POST as Handler,
      },
      shape: (title) => ({ plan: plan(title) }),
    },
    {
      target: {
        name: "POST /api/workflows/:id/runs",
        handler: async () => (await import("@/app/api/workflows/[id]/runs/route")).POST as Handler,
        params: { id: "" },
      },
      shape: (name) => ({ inputs: { name } }),
    },
    {
      target: {
        name: "POST /api/mcp-servers",
        handler: async () => (await import("@/app/api/mcp-servers/route")).POST as Handler,
      },
      shape: (name) => ({ name, transport: "http", url: "https://mcp.example.com/mcp" }),
    },
  ];
});
beforeEach(() => {
  session.userId = alice;
});

const hostile: [
  label: string,
  status: number,
  body: (shape: Shape) => string | Uint8Array,
  type?: string,
][] = [
  ["a NUL character", 400, (shape) => JSON.stringify(shape("nul\u0000byte"))],
  ["a lone surrogate", 400, (shape) => JSON.stringify(shape("half \ud800 pair"))],
  [
    "nesting 5,000 levels deep",
    400,
    (shape) => JSON.stringify(shape("@nest@")).replace('"@nest@"', nested(5000)),
  ],
  ["malformed JSON", 400, () => '{"oops": '],
  ["invalid UTF-8", 400, () => new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ["a form body", 415, (shape) => JSON.stringify(shape("x")), "application/x-www-form-urlencoded"],
  ["a text/plain body", 415, (shape) => JSON.stringify(shape("x")), "text/plain"],
  ["a 2 MB body", 413, (shape) => JSON.stringify(shape("x".repeat(2 * 1024 * 1024)))],
];

describe("bad input at the JSON routes", () => {
  it.each(hostile)(
    "answers %s with a clear %i and saves nothing, at every route",
    async (label, status, body, type) => {
      const before = await counts();
      for (const { target, shape } of routes) {
        const handler = await target.handler();
        const id: Record<string, string> =
          target.params && "id" in target.params ? { id: target.params.id || workflowId } : {};
        const response = await handler(request(body(shape), type), params(id));
        expect(response.status, `${target.name} with ${label}`).toBe(status);
        const json = await response.json();
        expect(json.error.message, target.name).toMatch(/\w/);
        expect(JSON.stringify(json)).not.toMatch(/stack|at \w+ \(|select |insert into/i);
      }
      expect(await counts()).toEqual(before);
    },
  );
});

describe("thread ids on Run now", () => {
  it("answers another person's thread, or one that does not exist, with 404 and stores no run", async () => {
    const { POST } = await import("@/app/api/workflows/[id]/runs/route");
    const before = await counts();
    for (const threadId of [bobThread, crypto.randomUUID()]) {
      const response = await POST(
        request(JSON.stringify({ inputs: { name: "x" }, threadId })),
        params({ id: workflowId }),
      );
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("not_found:thread");
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses inputs over the documented limit with 413", async () => {
    const { POST } = await import("@/app/api/workflows/[id]/runs/route");
    const before = await counts();
    const response = await POST(
      request(JSON.stringify({ inputs: { name: "x".repeat(70 * 1024) } })),
      params({ id: workflowId }),
    );
    expect(response.status).toBe(413);
    expect(await counts()).toEqual(before);
  });
});

describe("deciding a plan version", () => {
  it("approves or rejects nothing when the request carries a body that is not JSON", async () => {
    const { createWorkflow, getWorkflowVersion } = await import("@/lib/db/workflow-queries");
    const draft = await createWorkflow({
      userId: alice,
      title: "Draft",
      author: "person",
      plan: {
        version: 1,
        title: "Draft",
        trigger: { type: "manual" },
        steps: [{ id: "a", action: "transform", input: { value: 1 } }],
      },
    });
    for (const decision of ["approve", "reject"] as const) {
      const { POST } = await import(
        `@/app/api/workflows/[id]/versions/[versionId]/${decision}/route`
      );
      for (const [body, type, status] of [
        ["not json", "application/json", 400],
        ['{"a":"nul\u0000"}', "application/json", 400],
        ["approve=1", "application/x-www-form-urlencoded", 415],
      ] as const) {
        const response = await POST(
          request(body, type),
          params({ id: draft.workflow.id, versionId: draft.version.id }),
        );
        expect(response.status, `${decision} with ${body}`).toBe(status);
      }
    }
    const stored = await getWorkflowVersion({ versionId: draft.version.id, userId: alice });
    expect(stored?.version.state).toBe("draft");
    expect(stored?.workflow.activeVersionId).toBeNull();
  });
});

describe("answering a wait", () => {
  it("decides nothing without an explicit { approved: true | false }", async () => {
    const { POST } = await import("@/app/api/runs/[id]/waits/[stepId]/route");
    for (const body of ["", "{}", '{"approved":"yes"}', "not json"]) {
      const response = await POST(
        request(body),
        params({ id: crypto.randomUUID(), stepId: "ask" }),
      );
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});
