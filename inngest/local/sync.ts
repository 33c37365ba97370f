// Syncing an app: the executor PUTs the app's serve() URL with `x-inngest-sync-kind:
// in_band` and the SDK answers with its full config (no /fn/register round trip). Apps that
// register themselves out of band (POST /fn/register) land in the same place.
import { parseAppFunctions } from "./function-config";
import type { AppTarget, FunctionDef } from "./interfaces";
import { signBody } from "./protocol/signing";

export type AppConfig = {
  appId: string;
  url: string;
  framework?: string;
  sdk?: string;
  functions: FunctionDef[];
};

export class SyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncError";
  }
}

export async function fetchAppConfig(target: AppTarget, signingKey?: string): Promise<AppConfig> {
  const body = { url: target.url };
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-sync-kind": "in_band",
  };
  if (signingKey) headers["x-inngest-signature"] = signBody(body, signingKey);
  const request = new Request(target.url, { method: "PUT", headers, body: JSON.stringify(body) });
  let res: Response;
  try {
    res = await (target.fetch ?? fetch)(request);
  } catch (error) {
    throw new SyncError(`Could not reach the app at ${target.url}: ${String(error)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    throw new SyncError(`Syncing ${target.url} failed with ${res.status}: ${text.slice(0, 500)}`);
  }
  if (res.headers.get("x-inngest-sync-kind") !== "in_band") {
    throw new SyncError(
      `${target.url} did not answer an in-band sync (is INNGEST_ALLOW_IN_BAND_SYNC=0 set?)`,
    );
  }
  const config = JSON.parse(text) as {
    app_id: string;
    url?: string;
    framework?: string;
    sdk?: string;
    functions: never[];
  };
  return {
    appId: config.app_id,
    url: config.url ?? target.url,
    framework: config.framework,
    sdk: config.sdk,
    functions: parseAppFunctions(config.app_id, config.functions ?? []),
  };
}

/** The body of an out-of-band `POST /fn/register` (InngestCommHandler.registerBody). */
export function parseRegisterBody(body: {
  url: string;
  appName?: string;
  app_id?: string;
  framework?: string;
  sdk?: string;
  functions?: never[];
}): AppConfig {
  const appId = body.appName ?? body.app_id;
  if (!appId || !body.url) throw new SyncError("A registration needs appName and url");
  return {
    appId,
    url: body.url,
    framework: body.framework,
    sdk: body.sdk,
    functions: parseAppFunctions(appId, body.functions ?? []),
  };
}
