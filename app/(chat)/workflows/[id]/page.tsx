// A workflow's own page: what it is (trigger, next fire times, status, versions with their
// diffs and approvals), how it has been doing (metrics over a window) and every run it made
// (filtered, paged; a row opens the run's timeline). Another person's workflow is a 404.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { PauseControl } from "@/app/(chat)/_components/run/pause-control";
import { getWorkflowMetrics, listRunHistory } from "@/lib/db/history-queries";
import { getWorkflow, listWorkflowVersions } from "@/lib/db/workflow-queries";
import { formatDateTime } from "@/lib/format/time";
import { nextFireTimes } from "@/lib/plan";
import { personTimeZone } from "@/lib/workflows/person-zone";
import { readStoredPlan } from "@/lib/workflows/pinned-plan";
import { triggerInWords } from "@/lib/workflows/trigger-words";
import { statusTone } from "../_components/workflow-status";
import { ZoneCookie } from "../_components/zone-cookie";
import { BulkControls } from "./_components/bulk-controls";
import { HistoryFilters } from "./_components/history-filters";
import { HistoryList } from "./_components/history-list";
import { MetricsPanel, WindowPicker } from "./_components/metrics-panel";
import { VersionList } from "./_components/version-list";
import { historyFilter, pageHref, readPageParams } from "./params";

export const dynamic = "force-dynamic";

const PAGE = 25;
const NEXT_RUNS = 3;

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownWorkflow(id: string, userId: string) {
  if (!UUID.test(id)) return undefined;
  return getWorkflow({ id, userId });
}

export async function generateMetadata({ params }: Props) {
  const userId = await currentUserId();
  const workflow = userId ? await ownWorkflow((await params).id, userId) : undefined;
  return { title: `${workflow?.title ?? "Workflow"} · Flowchat` };
}

export default async function WorkflowPage({ params, searchParams }: Props) {
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const { id } = await params;
  const workflow = await ownWorkflow(id, userId);
  if (!workflow) notFound();

  const query = readPageParams(await searchParams);
  const timeZone = await personTimeZone(userId);
  const filter = historyFilter(query, timeZone);
  const [versions, history, metrics] = await Promise.all([
    listWorkflowVersions({ workflowId: id, userId }),
    listRunHistory({ userId, workflowId: id, filter, limit: PAGE }),
    getWorkflowMetrics({ userId, workflowId: id, window: query.window, timeZone }),
  ]);

  const shown = versions.find((v) => v.id === workflow.activeVersionId) ?? versions.at(-1) ?? null;
  const plan = shown ? readStoredPlan(shown.plan) : null;
  const nextRuns =
    workflow.status === "active" && plan?.ok ? nextFireTimes(plan.plan.trigger, NEXT_RUNS) : [];
  const isOnce = plan?.ok && plan.plan.trigger.type === "once";
  const isSchedule = (plan?.ok && plan.plan.trigger.type === "schedule") || isOnce;
  if (!metrics) notFound();
  const filtered = Boolean(query.status || query.from || query.to);
  const historyHeading = (
    <h2 id="history-heading" className="text-base font-semibold">
      Run history
    </h2>
  );

  return (
    <div className="flex h-full flex-col">
      <ZoneCookie serverZone={timeZone} />
      <header className="flex h-12 shrink-0 items-center gap-2 border-b border-zinc-200 px-4 text-sm dark:border-zinc-800">
        <Link
          href="/workflows"
          className="text-zinc-500 dark:text-zinc-400 hover:text-zinc-900 dark:hover:text-zinc-100"
        >
          Workflows
        </Link>
        <span className="text-zinc-400" aria-hidden="true">
          /
        </span>
        <span className="truncate font-medium">{workflow.title}</span>
      </header>
      <div className="flex-1 overflow-y-auto">
        <div className="mx-auto flex max-w-5xl flex-col gap-8 px-4 py-6">
          <section className="flex flex-col gap-2" data-testid="workflow-summary">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <h1 className="text-xl font-semibold" data-testid="workflow-title">
                {workflow.title}
              </h1>
              <span
                className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[workflow.status] ?? ""}`}
                data-testid="workflow-status"
              >
                {workflow.status}
              </span>
            </div>
            <p className="text-sm" data-testid="workflow-trigger">
              {shown ? triggerInWords(shown.plan) : "No plan yet"}
            </p>
            {isSchedule ? (
              nextRuns.length > 0 ? (
                <p
                  className="text-sm text-zinc-600 dark:text-zinc-400"
                  data-testid="workflow-next-runs"
                >
                  <span className="text-zinc-500 dark:text-zinc-400">Next runs ({timeZone}): </span>
                  {nextRuns
                    .map((at) => formatDateTime(at.toISOString(), { timeZone, year: true }))
                    .join(" · ")}
                </p>
              ) : (
                <p
                  className="text-sm text-zinc-500 dark:text-zinc-400"
                  data-testid="workflow-next-runs"
                >
                  {workflow.status === "paused"
                    ? "Paused: no scheduled runs until it is resumed."
                    : isOnce && workflow.activeVersionId
                      ? "Nothing more to run: it runs once, and its time has passed."
                      : "Runs on schedule once a version is approved."}
                </p>
              )
            ) : null}
            <PauseControl
              workflowId={workflow.id}
              status={workflow.status}
              pausedAt={workflow.pausedAt?.toISOString() ?? null}
              isSchedule={Boolean(isSchedule)}
              triggerType={plan?.ok ? plan.plan.trigger.type : undefined}
              timeZone={timeZone}
            />
            {workflow.threadId ? (
              <Link
                href={`/chat/${workflow.threadId}`}
                className="w-fit text-sm font-medium underline-offset-2 hover:underline"
                data-testid="workflow-thread-link"
              >
                Open conversation →
              </Link>
            ) : null}
          </section>

          <section aria-labelledby="metrics-heading" className="flex flex-col gap-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 id="metrics-heading" className="text-base font-semibold">
                Metrics
              </h2>
              <WindowPicker
                current={query.window}
                hrefFor={(window) => pageHref(id, query, { window })}
              />
            </div>
            <MetricsPanel metrics={metrics} workflowId={id} timeZone={timeZone} />
          </section>

          <section aria-labelledby="history-heading" className="flex flex-col gap-3">
            {workflow.activeVersionId ? (
              <BulkControls workflowId={id} heading={historyHeading} />
            ) : (
              historyHeading
            )}
            <HistoryFilters workflowId={id} params={query} />
            {history.runs.length === 0 ? (
              <p
                className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500 dark:text-zinc-400 dark:border-zinc-700"
                data-testid="history-empty"
              >
                {filtered ? "No runs match these filters." : "No runs yet."}
              </p>
            ) : (
              <HistoryList
                // A new first row (a refresh after runs started, e.g. a bulk re-run) starts the
                // list over from the server's page.
                key={`${JSON.stringify(filter)}:${history.runs[0]?.id}`}
                workflowId={id}
                initial={history.runs}
                nextCursor={history.nextCursor}
                filter={filter}
                timeZone={timeZone}
              />
            )}
          </section>

          <section aria-labelledby="versions-heading" className="flex flex-col gap-3">
            <h2 id="versions-heading" className="text-base font-semibold">
              Versions
            </h2>
            {versions.length === 0 ? (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">No versions.</p>
            ) : (
              <VersionList
                versions={versions}
                activeVersionId={workflow.activeVersionId}
                userId={userId}
                timeZone={timeZone}
              />
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
