// Readiness, part by part: the settings parse, the database is open and migrated, the workflow
// engine can run work, a model is configured. The top level is the original contract
// `{ ok, database: "ok"|"unavailable"|"unchecked", engine }` (503 unless ok); `settings`,
// `model` and `detail` say what each part is, so a person reading it knows what to fix. A
// model is not needed for ok: without one the app serves and the chat says how to set one.
import { sql } from "drizzle-orm";
import { type EmbeddedEngineState, hostedEngineState } from "@/inngest/local/embedded-state";
import { type Env, EnvError, env } from "@/lib/env";

export const dynamic = "force-dynamic";

type EngineMode = "embedded" | "dev" | "cloud";

export type Health = {
  ok: boolean;
  /** unchecked: the settings are invalid, so where the database is cannot be known. */
  database: "ok" | "unavailable" | "unchecked";
  engine: EmbeddedEngineState | "external" | "unchecked";
  settings: "ok" | "invalid";
  model: "configured" | "not-configured" | "unchecked";
  detail: {
    /** Each problem as `NAME: what is wrong` (never the value). */
    settings: { state: "ok" | "invalid"; problems?: string[] };
    database: { state: Health["database"]; driver?: "postgres" | "pglite"; reason?: string };
    engine: { state: Health["engine"]; mode?: EngineMode };
    model: {
      state: Health["model"];
      provider?: "openai" | "openai-compatible";
      id?: string;
      api?: "responses" | "chat";
    };
  };
};

function unchecked(problems: string[]): Health {
  return {
    ok: false,
    database: "unchecked",
    engine: "unchecked",
    settings: "invalid",
    model: "unchecked",
    detail: {
      settings: { state: "invalid", problems },
      database: { state: "unchecked", reason: "the settings are invalid" },
      engine: { state: "unchecked" },
      model: { state: "unchecked" },
    },
  };
}

export async function GET() {
  let config: Env;
  try {
    config = env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    return Response.json(unchecked(error.problems), { status: 503 });
  }
  // Loaded once the settings parse: these modules read them as they load.
  const [{ engineMode }, { getDb }, { getModelConfig }] = await Promise.all([
    import("@/inngest/client"),
    import("@/lib/db"),
    import("@/lib/ai/providers"),
  ]);
  const mode = engineMode(config);
  // A process that should host the executor but has none (instrumentation failed) is down.
  const engine: Health["engine"] =
    mode === "embedded" ? (hostedEngineState() ?? "down") : "external";
  let database: Health["database"] = "ok";
  try {
    await (await getDb()).execute(sql`select 1`);
  } catch (error) {
    database = "unavailable";
    console.error(`[health] database unavailable: ${(error as Error).message}`);
  }
  const model = getModelConfig(config);
  const ok = database === "ok" && (engine === "ok" || engine === "external");
  const body: Health = {
    ok,
    database,
    engine,
    settings: "ok",
    model: model.configured ? "configured" : "not-configured",
    detail: {
      settings: { state: "ok" },
      database: {
        state: database,
        driver: config.DATABASE_URL ? "postgres" : "pglite",
        ...(database === "ok" ? {} : { reason: "could not open or query it (see the app's log)" }),
      },
      engine: { state: engine, mode },
      model: model.configured
        ? { state: "configured", provider: model.provider, id: model.model, api: model.api }
        : { state: "not-configured" },
    },
  };
  return Response.json(body, { status: ok ? 200 : 503 });
}
