// Workflows and their versions. Every query filters by owner: another person's workflow or
// version is reported exactly like a missing one (`not_found:workflow`).
//
// Version lifecycle: a new version starts as `draft` and supersedes older drafts (only the
// newest draft can be approved). Approving marks it `approved`, makes it the workflow's
// `activeVersionId` (status `active`) and supersedes every other draft or approved version.
// Rejecting marks it `rejected`; whatever was active before stays active, and when nothing was
// ever approved the version it replaced is a draft again (nothing is ever left unapprovable).
import "server-only";
import { and, asc, desc, eq, inArray, max, ne, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Transaction } from "./client";
import { queryDb as db } from "./index";
import { type Workflow, type WorkflowVersion, workflows, workflowVersions } from "./schema";

const notFound = () =>
  new AppError("not_found:workflow", "This workflow does not exist or is not yours.");

export type VersionAuthor = WorkflowVersion["author"];

/** Creates a workflow with its first (draft) version, linked to the thread it came from. */
export async function createWorkflow({
  userId,
  threadId,
  title,
  plan,
  author,
  note,
}: {
  userId: string;
  threadId?: string | null;
  title: string;
  plan: unknown;
  author: VersionAuthor;
  note?: string | null;
}): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
  return (await db()).transaction(async (tx) => {
    const [workflow] = await tx
      .insert(workflows)
      .values({ userId, threadId: threadId ?? null, title })
      .returning();
    const [version] = await tx
      .insert(workflowVersions)
      .values({ workflowId: workflow.id, number: 1, plan, author, note: note ?? null })
      .returning();
    return { workflow, version };
  });
}

/** Locks the caller's workflow row for the rest of the transaction; 404 when not theirs. */
async function lockWorkflow(tx: Transaction, { id, userId }: { id: string; userId: string }) {
  const [workflow] = await tx
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId)))
    .for("update");
  if (!workflow) throw notFound();
  return workflow;
}

/**
 * Adds the next version of a workflow (number = highest + 1) as a draft and supersedes
 * older drafts. The workflow takes the plan's title.
 */
export async function addWorkflowVersion({
  userId,
  workflowId,
  title,
  plan,
  author,
  note,
}: {
  userId: string;
  workflowId: string;
  title: string;
  plan: unknown;
  author: VersionAuthor;
  note?: string | null;
}): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
  return (await db()).transaction(async (tx) => {
    await lockWorkflow(tx, { id: workflowId, userId });
    const [{ highest }] = await tx
      .select({ highest: max(workflowVersions.number) })
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, workflowId));
    await tx
      .update(workflowVersions)
      .set({ state: "superseded" })
      .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.state, "draft")));
    const [version] = await tx
      .insert(workflowVersions)
      .values({ workflowId, number: (highest ?? 0) + 1, plan, author, note: note ?? null })
      .returning();
    const [workflow] = await tx
      .update(workflows)
      .set({ title, updatedAt: new Date() })
      .where(eq(workflows.id, workflowId))
      .returning();
    return { workflow, version };
  });
}

/** The caller's workflow, or undefined. */
export async function getWorkflow({
  id,
  userId,
}: {
  id: string;
  userId: string;
}): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId)));
  return workflow;
}

/** A version with its workflow, when the workflow is the caller's. */
export async function getWorkflowVersion({
  versionId,
  userId,
}: {
  versionId: string;
  userId: string;
}): Promise<{ workflow: Workflow; version: WorkflowVersion } | undefined> {
  const [row] = await (await db())
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflowVersions)
    .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
    .where(and(eq(workflowVersions.id, versionId), eq(workflows.userId, userId)));
  return row;
}

/** Several versions at once (the plan cards of a thread), skipping any that are not the caller's. */
export async function getWorkflowVersions({
  versionIds,
  userId,
}: {
  versionIds: string[];
  userId: string;
}): Promise<{ workflow: Workflow; version: WorkflowVersion }[]> {
  if (versionIds.length === 0) return [];
  return (await db())
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflowVersions)
    .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
    .where(and(inArray(workflowVersions.id, versionIds), eq(workflows.userId, userId)));
}

/** Every version of the caller's workflow, oldest first. */
export async function listWorkflowVersions({
  workflowId,
  userId,
}: {
  workflowId: string;
  userId: string;
}): Promise<WorkflowVersion[]> {
  const workflow = await getWorkflow({ id: workflowId, userId });
  if (!workflow) throw notFound();
  return (await db())
    .select()
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(asc(workflowVersions.number));
}

/** The version numbered just below `number` (what a revision is compared with). */
export async function getPreviousVersion({
  workflowId,
  number,
  userId,
}: {
  workflowId: string;
  number: number;
  userId: string;
}): Promise<WorkflowVersion | undefined> {
  const [row] = await (await db())
    .select({ version: workflowVersions })
    .from(workflowVersions)
    .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
    .where(
      and(
        eq(workflowVersions.workflowId, workflowId),
        eq(workflows.userId, userId),
        sql`${workflowVersions.number} < ${number}`,
      ),
    )
    .orderBy(desc(workflowVersions.number))
    .limit(1);
  return row?.version;
}

/** The newest version of the caller's workflow. */
export async function getLatestVersion({
  workflowId,
  userId,
}: {
  workflowId: string;
  userId: string;
}): Promise<WorkflowVersion | undefined> {
  const [row] = await (await db())
    .select({ version: workflowVersions })
    .from(workflowVersions)
    .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflows.userId, userId)))
    .orderBy(desc(workflowVersions.number))
    .limit(1);
  return row?.version;
}

/** A decision can only be made on a draft; anything else is a 409 with the reason. */
function assertDraft(version: WorkflowVersion) {
  if (version.state === "draft") return;
  const reason: Record<Exclude<WorkflowVersion["state"], "draft">, string> = {
    approved: "This version is already approved.",
    rejected: "This version was rejected.",
    superseded: "A newer version replaced this one.",
  };
  throw new AppError("conflict:workflow", reason[version.state]);
}

async function lockVersion(
  tx: Transaction,
  { workflowId, versionId }: { workflowId: string; versionId: string },
) {
  const [version] = await tx
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.id, versionId), eq(workflowVersions.workflowId, workflowId)))
    .for("update");
  if (!version) throw notFound();
  return version;
}

/**
 * Approves a draft: records who and when, makes it the version that runs
 * (`workflows.activeVersionId`, status `active` unless the workflow is paused) and supersedes
 * every other draft or previously approved version.
 */
export async function approveWorkflowVersion({
  userId,
  workflowId,
  versionId,
  now = new Date(),
}: {
  userId: string;
  workflowId: string;
  versionId: string;
  now?: Date;
}): Promise<{ workflow: Workflow; version: WorkflowVersion }> {
  return (await db()).transaction(async (tx) => {
    await lockWorkflow(tx, { id: workflowId, userId });
    assertDraft(await lockVersion(tx, { workflowId, versionId }));
    await tx
      .update(workflowVersions)
      .set({ state: "superseded" })
      .where(
        and(
          eq(workflowVersions.workflowId, workflowId),
          ne(workflowVersions.id, versionId),
          inArray(workflowVersions.state, ["draft", "approved"]),
        ),
      );
    const [version] = await tx
      .update(workflowVersions)
      .set({ state: "approved", approvedBy: userId, approvedAt: now })
      .where(eq(workflowVersions.id, versionId))
      .returning();
    const [workflow] = await tx
      .update(workflows)
      .set({
        activeVersionId: versionId,
        // A paused workflow stays paused: approving an edit does not restart its triggers.
        status: sql`case when ${workflows.status} = 'paused' then 'paused' else 'active' end`,
        updatedAt: now,
      })
      .where(eq(workflows.id, workflowId))
      .returning();
    return { workflow, version };
  });
}

/**
 * Rejects a draft. The workflow falls back to the last approved version, which stays active;
 * when none was ever approved, the version this draft replaced becomes a draft again, so a
 * rejected edit never leaves the workflow with nothing to approve. `restored` is that version.
 */
export async function rejectWorkflowVersion({
  userId,
  workflowId,
  versionId,
  now = new Date(),
}: {
  userId: string;
  workflowId: string;
  versionId: string;
  now?: Date;
}): Promise<{ workflow: Workflow; version: WorkflowVersion; restored?: WorkflowVersion }> {
  return (await db()).transaction(async (tx) => {
    const locked = await lockWorkflow(tx, { id: workflowId, userId });
    const pending = await lockVersion(tx, { workflowId, versionId });
    assertDraft(pending);
    const [version] = await tx
      .update(workflowVersions)
      .set({ state: "rejected", rejectedAt: now })
      .where(eq(workflowVersions.id, versionId))
      .returning();
    let restored: WorkflowVersion | undefined;
    if (!locked.activeVersionId) {
      [restored] = await tx
        .update(workflowVersions)
        .set({ state: "draft" })
        .where(
          eq(
            workflowVersions.id,
            sql`(select ${workflowVersions.id} from ${workflowVersions}
                 where ${workflowVersions.workflowId} = ${workflowId}
                   and ${workflowVersions.number} < ${pending.number}
                   and ${workflowVersions.state} = 'superseded'
                 order by ${workflowVersions.number} desc limit 1)`,
          ),
        )
        .returning();
    }
    const [workflow] = await tx
      .update(workflows)
      .set({ updatedAt: now })
      .where(eq(workflows.id, workflowId))
      .returning();
    return { workflow, version, ...(restored ? { restored } : {}) };
  });
}

/** The caller's most recently changed workflow with this title (the plan CLI finds its own by it). */
export async function getWorkflowByTitle({
  userId,
  title,
}: {
  userId: string;
  title: string;
}): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .select()
    .from(workflows)
    .where(and(eq(workflows.userId, userId), eq(workflows.title, title)))
    .orderBy(desc(workflows.updatedAt))
    .limit(1);
  return workflow;
}

/**
 * The caller's workflows titled `title` in any case (archived ones left out), newest first: a
 * plan's `workflow.run` may name the workflow it runs (lib/workflows/workflow-refs.ts).
 */
export async function findWorkflowsByTitle({
  userId,
  title,
  limit = 10,
}: {
  userId: string;
  title: string;
  limit?: number;
}): Promise<Workflow[]> {
  return (await db())
    .select()
    .from(workflows)
    .where(
      and(
        eq(workflows.userId, userId),
        ne(workflows.status, "archived"),
        sql`lower(${workflows.title}) = lower(${title})`,
      ),
    )
    .orderBy(desc(workflows.updatedAt))
    .limit(limit);
}

/** The caller's workflows among `ids` (others' and missing ones are left out). */
export async function getWorkflowsByIds({
  userId,
  ids,
}: {
  userId: string;
  ids: string[];
}): Promise<Workflow[]> {
  if (ids.length === 0) return [];
  return (await db())
    .select()
    .from(workflows)
    .where(and(eq(workflows.userId, userId), inArray(workflows.id, ids)));
}

export interface WorkflowListItem {
  workflow: Workflow;
  /** The version that runs, if one is approved. */
  active: WorkflowVersion | null;
  /** The newest version (what the trigger column describes when nothing is active). */
  latest: WorkflowVersion | null;
}

/** The caller's workflows, most recently changed first, with their active and newest versions. */
export async function listWorkflows({
  userId,
  threadId,
  limit = 200,
}: {
  userId: string;
  /** Only the workflows made in this thread. */
  threadId?: string;
  limit?: number;
}): Promise<WorkflowListItem[]> {
  const database = await db();
  const rows = await database
    .select()
    .from(workflows)
    .where(
      threadId
        ? and(eq(workflows.userId, userId), eq(workflows.threadId, threadId))
        : eq(workflows.userId, userId),
    )
    .orderBy(desc(workflows.updatedAt))
    .limit(limit);
  if (rows.length === 0) return [];
  const versions = await database
    .select()
    .from(workflowVersions)
    .where(
      inArray(
        workflowVersions.workflowId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(workflowVersions.number));
  return rows.map((workflow) => {
    const own = versions.filter((version) => version.workflowId === workflow.id);
    return {
      workflow,
      active: own.find((version) => version.id === workflow.activeVersionId) ?? null,
      latest: own.at(-1) ?? null,
    };
  });
}

/**
 * Every active workflow with the version that runs, across all people: the schedule tick reads
 * it to find what is due. Not for answering a person's request.
 */
export async function listActiveWorkflowVersions(): Promise<
  { workflow: Workflow; version: WorkflowVersion }[]
> {
  return (await db())
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(eq(workflows.status, "active"));
}

/**
 * A workflow and its active version by id alone, for triggers that arrive without a person
 * (a verified webhook token). Not for answering a person's request.
 */
export async function getWorkflowForTrigger({
  id,
}: {
  id: string;
}): Promise<{ workflow: Workflow; version: WorkflowVersion | null } | undefined> {
  const database = await db();
  const [workflow] = await database.select().from(workflows).where(eq(workflows.id, id));
  if (!workflow) return undefined;
  if (!workflow.activeVersionId) return { workflow, version: null };
  const [version] = await database
    .select()
    .from(workflowVersions)
    .where(eq(workflowVersions.id, workflow.activeVersionId));
  return { workflow, version: version ?? null };
}

/** Sets what a workflow's unattended runs add to its thread; undefined when not the caller's. */
export async function setWorkflowNotify({
  id,
  userId,
  notify,
}: {
  id: string;
  userId: string;
  notify: Workflow["notify"];
}): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .update(workflows)
    .set({ notify })
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId)))
    .returning();
  return workflow;
}

/**
 * Pauses the caller's active workflow (its schedule, event and webhook triggers stop starting
 * runs); undefined when it is not theirs or not active — the caller tells which.
 */
export async function markWorkflowPaused({
  id,
  userId,
  now = new Date(),
}: {
  id: string;
  userId: string;
  now?: Date;
}): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .update(workflows)
    .set({ status: "paused", pausedAt: now, updatedAt: now })
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId), eq(workflows.status, "active")))
    .returning();
  return workflow;
}

/**
 * Resumes the caller's paused workflow: active again, `resumedAt` = now (schedules never start
 * a fire time before it), `pausedAt` cleared; undefined when it is not theirs or not paused.
 */
export async function markWorkflowResumed({
  id,
  userId,
  now = new Date(),
}: {
  id: string;
  userId: string;
  now?: Date;
}): Promise<Workflow | undefined> {
  const [workflow] = await (await db())
    .update(workflows)
    .set({ status: "active", resumedAt: now, pausedAt: null, updatedAt: now })
    .where(and(eq(workflows.id, id), eq(workflows.userId, userId), eq(workflows.status, "paused")))
    .returning();
  return workflow;
}

/** Whether one of the person's active workflows starts on this app event (its trigger names it). */
export async function hasEventTriggeredWorkflow({
  userId,
  eventName,
}: {
  userId: string;
  eventName: string;
}): Promise<boolean> {
  const rows = await (await db())
    .select({ id: workflows.id })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(
      and(
        eq(workflows.userId, userId),
        eq(workflows.status, "active"),
        sql`${workflowVersions.plan}->'trigger'->>'type' = 'event'`,
        sql`${workflowVersions.plan}->'trigger'->>'event' = ${eventName}`,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
