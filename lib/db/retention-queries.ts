// Pruning ended runs past their retention: one short statement per batch (the run rows and,
// by cascade, their steps, log, wait signals and stored outputs), newest-kept first never
// touched. Only runs the rollups already count are pruned, so the metrics keep the numbers.
import "server-only";
import { sql } from "drizzle-orm";
import { rowsOf } from "./history-sql";
import { queryDb as db } from "./index";

/** The workflows that have runs at all (the pruner walks them one index range at a time). */
export async function listWorkflowIdsWithRuns(): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await (await db()).execute(
      sql`select w.id from workflows w where exists (select 1 from runs r where r.workflow_id = w.id) order by w.id`,
    ),
  );
  return rows.map((row) => row.id);
}

/**
 * Deletes up to `batch` of the workflow's oldest ended runs created before `before` (failed
 * ones: before `failedBefore`; test runs, whatever their end: before `testBefore`), skipping
 * rows another transaction holds. Returns how many.
 */
export async function pruneRunsBatch({
  workflowId,
  before,
  failedBefore,
  testBefore,
  batch,
}: {
  workflowId: string;
  before: Date;
  failedBefore: Date;
  testBefore: Date;
  batch: number;
}): Promise<number> {
  // Index ranges of runs_workflow_idx (workflow, created_at): failed runs by their own
  // cutoff, the others by theirs, test runs (counted nowhere, so not waiting on the rollups)
  // by the shortest.
  const rows = rowsOf<{ id: string }>(
    await (await db()).execute(sql`
      with doomed as (
        (select id from runs
          where workflow_id = ${workflowId} and created_at < ${failedBefore.toISOString()}::timestamptz
            and status = 'failed' and rolled_up
          order by created_at, id limit ${batch})
        union all
        (select id from runs
          where workflow_id = ${workflowId} and created_at < ${before.toISOString()}::timestamptz
            and status in ('succeeded', 'cancelled') and rolled_up
          order by created_at, id limit ${batch})
        union all
        (select id from runs
          where workflow_id = ${workflowId} and created_at < ${testBefore.toISOString()}::timestamptz
            and test is not null and status in ('succeeded', 'failed', 'cancelled')
          order by created_at, id limit ${batch})
      ),
      locked as (
        select id from runs where id in (select distinct id from doomed limit ${batch})
        for update skip locked
      )
      delete from runs where id in (select id from locked)
      returning id`),
  );
  return rows.length;
}
