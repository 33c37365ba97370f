// The run tools that act, as the confirmation rule and the confirmation card see them: what a
// call would act on, looked up in the server's own records for this person, and the approval
// policy the chat route hands to streamText (`toolApproval`).
import "server-only";
import type { InferUIMessageChunk, ModelMessage, ToolApprovalStatus } from "ai";
import { z } from "zod";
import { getRunForOwner, listRunsForWorkflow } from "@/lib/db/run-queries";
import { getWorkflow, listWorkflows } from "@/lib/db/workflow-queries";
import { AppError } from "@/lib/errors";
import { previewRerun } from "@/lib/runs/rerun";
import { isTerminal } from "@/lib/runs/status";
import { loadPinnedPlan } from "@/lib/workflows/pinned-plan";
import { type ActionTarget, askedForExactly } from "../confirmation";
import type { ChatMessage, Confirmation } from "../types";
import { type ConfirmedToolName, isConfirmedTool, OUTSIDE_DATA_TOOLS } from "./run-tool-types";

type Context = { userId: string };

export interface ConfirmedAction {
  /**
   * The call's target for the rule, and what its confirmation card shows; `refused` when the
   * app already knows the call cannot act (a re-run of a run still going): the call is then
   * declined with that reason, which the model reads, and no card is shown.
   */
  describe(
    input: unknown,
    context: Context,
  ): Promise<{ target: ActionTarget; card: Confirmation; refused?: string }>;
}

const runWorkflowInput = z.object({
  workflowId: z.string(),
  inputs: z.record(z.string(), z.unknown()).optional(),
});
const cancelRunInput = z.object({ runId: z.string() });
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

/** Whether a model message is the result of a tool that carries outside text. */
function readsOutsideData(message: ModelMessage): boolean {
  return (
    message.role === "tool" &&
    message.content.some(
      (part) => part.type === "tool-result" && OUTSIDE_DATA_TOOLS.has(part.toolName),
    )
  );
}

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
  const context = { userId: options.userId };
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
    const { target, refused } = await lookUp(
      toolCall.toolName,
      toolCall.toolCallId,
      toolCall.input,
    );
    if (refused) return { type: "denied", reason: refused };
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
