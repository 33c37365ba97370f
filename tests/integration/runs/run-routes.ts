// The run routes as the browser calls them, loaded after the test has pointed the app's client
// at its harness (call `loadRunRoutes()` after `appClientPort()`), with their request helpers.
export async function loadRunRoutes() {
  return {
    runsRoute: await import("@/app/api/workflows/[id]/runs/route"),
    runRoute: await import("@/app/api/runs/[id]/route"),
    cancelRoute: await import("@/app/api/runs/[id]/cancel/route"),
    eventsRoute: await import("@/app/api/runs/[id]/events/route"),
    waitRoute: await import("@/app/api/runs/[id]/waits/[stepId]/route"),
  };
}

/** Route params as Next hands them over. */
export const ctx = (params: Record<string, string>) =>
  ({ params: Promise.resolve(params) }) as never;

/** A JSON POST body. */
export const post = (body: unknown) =>
  new Request("http://app.test/x", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
