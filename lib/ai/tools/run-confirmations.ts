// The run tools that act, as the confirmation rule and the confirmation card see them: what a
// call would act on, looked up in the server's own records for this person, and the approval
// policy the chat route hands to streamText (`toolApproval`).
import "server-only";
import type { InferUIMessageChunk, ModelMessage, ToolApprovalStatus } from "ai";
import { z } from "zod";
import { getRunForOwner, listRunsForWorkflow } from "@/lib/db/run-queries";
import { getWorkflow, listWorkflows } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { countBulk } from "@/lib/runs/bulk";
import { describeBulkFilter } from "@/lib/runs/bulk-words";
import { previewRerun } from "@/lib/runs/rerun";
import { isTerminal } from "@/lib/runs/status";
import { readWait } from "@/lib/runs/wait-state";
import { countMissedWhilePaused } from "@/lib/workflows/pause";
import { personTimeZone } from "@/lib/workflows/person-zone";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { type ActionTarget, askedForExactly } from "../confirmation";
import type { ChatMessage, Confirmation } from "../types";
import { answerApprovalInput, chooseApproval } from "./answer-approval";
import { bulkRunsInput } from "./bulk-runs";
import { type ConfirmedToolName, isConfirmedTool, OUTSIDE_DATA_TOOLS } from "./run-tool-types";

/** `timeZone`: the person's, when the request knows it (the cards show times in it). */
type Context = { userId: string; threadId: string; timeZone?: string };

export interface ConfirmedAction {
  /**
   * The call's target for the rule, and what its confirmation card shows. `ask` overrides the
   * rule: "never" for a call that starts nothing (a resume without back-fill, a dry run), a
   * reason for one that always asks (a bulk action, whatever the person wrote); `acts: false`
   * for a call that will change nothing (an approval's answer that must first ask which one);
   * `refused` when the app already knows the call cannot act (a re-run of a run still going):
   * the call is then declined with that reason, which the model reads, and no card is shown.
   */
  describe(
    input: unknown,
    context: Context,
  ): Promise<{
    target: ActionTarget;
    card: Confirmation;
    ask?: "never" | { reason: string };
    acts?: boolean;
    refused?: string;
  }>;
}

const runWorkflowInput = z.object({
  workflowId: z.string(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});
const cancelRunInput = z.object({ runId: z.string() });
const resumeInput = z.object({ workflowId: z.string(), backfill: z.boolean().optional() });

/** The caller's workflow named by a model-chosen id, if it is one of theirs. */
async function ownWorkflow(userId: string, id: string | undefined) {
  return id && z.uuid().safeParse(id).success ? getWorkflow({ id, userId }) : undefined;
}
const rerunRunInput = z.object({
  runId: z.string(),
  from: z.string().optional(),
  version: z.enum(["pinned", "latest"]).optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

/** The declared manual inputs of the workflow's approved version, with their defaults. */
async function declaredInputs(userId: string, versionId: string | null) {
  if (!versionId) return {};
  const pinned = await loadPinnedPlan({ versionId, userId });
  if (!pinned.ok || pinned.plan.trigger.type !== "manual") return {};
  return pinned.plan.trigger.inputs ?? {};
}

/** Resuming asks only when it back-fills (it starts what the schedule missed). */
const resumeWorkflowAction: ConfirmedAction = {
  async describe(raw, { userId }) {
    const { workflowId, backfill } = resumeInput.parse(raw);
    const workflow = await ownWorkflow(userId, workflowId);
    const target: ActionTarget = {
      intent: "run",
      workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
    };
    const card: Confirmation = {
      action: "resume",
      workflowId: workflow?.id ?? null,
      title: workflow?.title ?? null,
      inputs: [],
    };
    if (!backfill || !workflow) return { target, card, ask: "never" };
    const count = await countMissedWhilePaused({ userId, workflowId: workflow.id });
    return {
      target,
      card: { ...card, count },
      ask: { reason: "Catching up on what a paused workflow missed starts runs." },
    };
  },
};

/** A bulk action always asks, with the count, unless it is a dry run. */
const bulkRunsAction: ConfirmedAction = {
  async describe(raw, { userId, timeZone }) {
    const input = bulkRunsInput.parse(raw);
    const workflow = await ownWorkflow(userId, input.filter.workflowId);
    const target: ActionTarget = {
      intent: input.action === "cancel" ? "cancel" : "run",
      workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
    };
    let count: number | undefined;
    try {
      count = await countBulk({ userId, kind: input.action, filter: input.filter });
    } catch {
      // A filter the tool will refuse: the card shows no count, the tool says why.
    }
    return {
      target,
      card: {
        action: input.action === "cancel" ? "bulk-cancel" : "bulk-rerun",
        workflowId: workflow?.id ?? null,
        title: workflow?.title ?? null,
        inputs: [],
        ...(count !== undefined ? { count } : {}),
        scope: describeBulkFilter(
          input.action,
          input.filter,
          timeZone ?? (await personTimeZone(userId)),
        ),
      },
      ask: input.dryRun
        ? "never"
        : { reason: "A bulk action always asks: it acts on many runs at once." },
    };
  },
};

export const CONFIRMED_ACTIONS: Record<ConfirmedToolName, ConfirmedAction> = {
  runWorkflow: {
    async describe(raw, { userId }) {
      const { workflowId, inputs = {} } = runWorkflowInput.parse(raw);
      const workflow = await getWorkflow({ id: workflowId, userId });
      const declared = workflow ? await declaredInputs(userId, workflow.activeVersionId) : {};
      const shown = [
        ...Object.entries(declared).flatMap(([name, field]) =>
          name in inputs
            ? [{ name, value: inputs[name] }]
            : field.default !== undefined
              ? [{ name, value: field.default, defaulted: true }]
              : [],
        ),
        ...Object.entries(inputs)
          .filter(([name]) => !(name in declared))
          .map(([name, value]) => ({ name, value })),
      ];
      return {
        target: {
          intent: "run",
          workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
          chosenValues: inputs,
        },
        card: {
          action: "run",
          workflowId: workflow?.id ?? null,
          title: workflow?.title ?? null,
          inputs: shown,
        },
      };
    },
  },
  cancelRun: {
    async describe(raw, { userId }) {
      const { runId } = cancelRunInput.parse(raw);
      const run = await getRunForOwner({ runId, userId });
      const workflow = run ? await getWorkflow({ id: run.workflowId, userId }) : undefined;
      const going = run
        ? (await listRunsForWorkflow({ workflowId: run.workflowId, userId })).filter(
            (r) => !isTerminal(r.status),
          )
        : [];
      return {
        target: {
          intent: "cancel",
          workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
          runId,
          onlyActiveRun: going.length === 1 && going[0].id === runId,
        },
        card: {
          action: "cancel",
          workflowId: workflow?.id ?? null,
          title: workflow?.title ?? null,
          runId,
          runStatus: run?.status,
          inputs: [],
        },
      };
    },
  },
  resumeWorkflow: resumeWorkflowAction,
  bulkRuns: bulkRunsAction,
  answerApproval: {
    async describe(raw, context) {
      const input = answerApprovalInput.parse(raw);
      const intent = input.approved ? "approve" : "reject";
      const choice = await chooseApproval(input, context);
      const comment = input.comment ? [{ name: "comment", value: input.comment }] : [];
      // A named approval that no longer takes a decision changes nothing: the tool says why.
      const settled =
        choice.kind === "named" && !(await takesDecision(choice.runId, choice.stepId, context));
      if (!settled && (choice.kind === "one" || choice.kind === "named")) {
        const one = choice.kind === "one" ? choice.approval : undefined;
        const workflow = await getWorkflow({
          id: choice.kind === "one" ? choice.approval.workflowId : choice.workflowId,
          userId: context.userId,
        });
        return {
          target: {
            intent,
            workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
            runId: one?.runId ?? (choice.kind === "named" ? choice.runId : undefined),
            soleApproval: choice.kind === "one" && choice.sole,
            onlyApprovalOfWorkflow: choice.kind === "one" && choice.alone,
            chosenValues: input.comment,
          },
          card: {
            action: intent,
            workflowId: workflow?.id ?? null,
            title: workflow?.title ?? null,
            runId: one?.runId ?? (choice.kind === "named" ? choice.runId : undefined),
            ...(one?.question ? { question: one.question } : {}),
            inputs: comment,
          },
        };
      }
      // Nothing is answered: the tool lists the approvals (or says none is waiting).
      return {
        target: { intent },
        card: { action: intent, workflowId: null, title: null, inputs: comment },
        acts: false,
      };
    },
  },
  rerunRun: {
    async describe(raw, { userId }) {
      const { runId, from, version, inputs } = rerunRunInput.parse(raw);
      const run = await getRunForOwner({ runId, userId });
      const workflow = run ? await getWorkflow({ id: run.workflowId, userId }) : undefined;
      const card: Confirmation = {
        action: "rerun",
        workflowId: workflow?.id ?? null,
        title: workflow?.title ?? null,
        runId,
        runStatus: run?.status,
        runAt: run?.createdAt.toISOString(),
        inputs: [],
      };
      const target: ActionTarget = {
        intent: "rerun",
        workflow: workflow ? { id: workflow.id, title: workflow.title } : undefined,
        runId,
        chosenValues: inputs,
      };
      try {
        const preview = await previewRerun({ userId, runId, from, version, inputs });
        return { target, card: { ...card, rerun: preview } };
      } catch (error) {
        if (error instanceof AppError) return { target, card, refused: error.message };
        throw error;
      }
    },
  },
};

/** Whether the person's wait `stepId` of `runId` still takes a decision. */
async function takesDecision(runId: string, stepId: string, { userId }: Context) {
  const run = await getRunForOwner({ runId, userId });
  const wait = run ? await readWait(run, stepId) : undefined;
  return wait?.state === "open";
}

/** Whether a model message is the result of a tool that carries outside text. */
function readsOutsideData(message: ModelMessage): boolean {
  return (
    message.role === "tool" &&
    message.content.some(
      (part) => part.type === "tool-result" && OUTSIDE_DATA_TOOLS.has(part.toolName),
    )
  );
}

/** `threadId`: the thread of the request; its approvals are the ones "approve it" means first. */
export interface ChatConfirmationOptions extends Context {
  /** The person's own latest message. */
  personText: string;
  /** Workflows made in this thread. */
  threadWorkflowIds: string[];
  /** Outside data was already in the stored part of this turn (after the person's message). */
  outsideDataInTurn: boolean;
  /** How many model messages the stored history became: later ones are this request's steps. */
  historyLength: number;
}

type ChatChunk = InferUIMessageChunk<ChatMessage>;

/**
 * Confirmations for one chat request: `policy` is streamText's `toolApproval` (acting tools ask
 * the person, with the reason, unless the person's message asked for exactly that call; other
 * tools just run), and `cards()` adds what the card shows to each approval request of the reply
 * stream, from the server's records.
 */
export function chatConfirmations(options: ChatConfirmationOptions) {
  const context = {
    userId: options.userId,
    threadId: options.threadId,
    timeZone: options.timeZone,
  };
  const described = new Map<string, ReturnType<ConfirmedAction["describe"]>>();
  const lookUp = (toolName: ConfirmedToolName, toolCallId: string, input: unknown) => {
    let pending = described.get(toolCallId);
    if (!pending) {
      pending = CONFIRMED_ACTIONS[toolName].describe(input, context);
      described.set(toolCallId, pending);
    }
    return pending;
  };
  let workflows: Promise<{ id: string; title: string }[]> | undefined;
  const personWorkflows = () =>
    (workflows ??= listWorkflows({ userId: options.userId }).then((items) =>
      items.map(({ workflow }) => ({ id: workflow.id, title: workflow.title })),
    ));

  async function policy({
    toolCall,
    messages,
  }: {
    toolCall: { toolName: string; toolCallId: string; input: unknown };
    messages: ModelMessage[];
  }): Promise<ToolApprovalStatus> {
    if (!isConfirmedTool(toolCall.toolName)) return undefined;
    const { target, ask, acts, refused } = await lookUp(
      toolCall.toolName,
      toolCall.toolCallId,
      toolCall.input,
    );
    if (refused) return { type: "denied", reason: refused };
    if (acts === false || ask === "never") return undefined;
    if (ask) return { type: "user-approval", reason: ask.reason };
    const verdict = askedForExactly(target, {
      text: options.personText,
      workflows: await personWorkflows(),
      threadWorkflowIds: options.threadWorkflowIds,
      readOutsideData:
        options.outsideDataInTurn || messages.slice(options.historyLength).some(readsOutsideData),
    });
    return verdict.asked ? undefined : { type: "user-approval", reason: verdict.reason };
  }

  function cards() {
    const calls = new Map<string, { toolName: string; input: unknown }>();
    return new TransformStream<ChatChunk, ChatChunk>({
      async transform(chunk, controller) {
        if (chunk.type === "tool-input-available") {
          calls.set(chunk.toolCallId, { toolName: chunk.toolName, input: chunk.input });
        }
        const call =
          chunk.type === "tool-approval-request" ? calls.get(chunk.toolCallId) : undefined;
        if (chunk.type === "tool-approval-request" && call && isConfirmedTool(call.toolName)) {
          try {
            const { card } = await lookUp(call.toolName, chunk.toolCallId, call.input);
            controller.enqueue({ ...chunk, approvalDescriptor: card });
            return;
          } catch (error) {
            console.error("[chat] could not describe a confirmation", error);
          }
        }
        controller.enqueue(chunk);
      },
    });
  }

  return { policy, cards };
}
