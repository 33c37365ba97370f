import { parseFunctionConfig } from "../function-config";
import type { FunctionDef } from "../interfaces";
import type { Queryable } from "../sql-client";

/** Every synced function, as the registry holds them (parsed from the stored SDK config). */
export async function loadFunctions(q: Queryable): Promise<FunctionDef[]> {
  const rows = await q.query<{ app_id: string; config: Record<string, unknown> }>(
    "select app_id, config from engine.functions order by id",
  );
  const problems: string[] = [];
  return rows
    .map((r) => parseFunctionConfig(r.config as never, r.app_id, problems))
    .filter((f): f is FunctionDef => !!f);
}
