// The stored thread as the model reads it. The person's messages and the model's own replies go
// as they are; everything a workflow posted (run cards, run summaries, chat.post messages) is
// outside text, so it goes as delimited data attributed to its workflow and run, in a user-role
// message of its own — never as the assistant's words.
import { batchDataSchema, type ChatMessage, planDataSchema, runDataSchema } from "./types";
import { untrustedData } from "./untrusted";

/** Ids of messages a run posts: `run_<runId>_card`, `run_<runId>_summary`, `run_<runId>_<unit>`. */
const RUN_MESSAGE_ID = /^run_([0-9a-f-]{36})_/i;

/**
 * Whether a workflow posted this message. Any one sign is enough (older rows lack the
 * `postedBy` mark); only assistant messages can be posts, so the person's words never are.
 */
export function isWorkflowPost(message: Pick<ChatMessage, "id" | "role" | "metadata">): boolean {
  if (message.role !== "assistant") return false;
  const meta = message.metadata;
  return Boolean(
    meta?.postedBy === "workflow" ||
      meta?.runId ||
      meta?.workflowRun ||
      RUN_MESSAGE_ID.test(message.id),
  );
}

function postSource(message: ChatMessage): {
  runId?: string;
  workflowId?: string;
  cardTitle?: string;
} {
  const meta = message.metadata;
  const run = message.parts.find((p) => p.type === "data-run");
  const card = run ? runDataSchema.safeParse(run.data) : undefined;
  return {
    cardTitle: card?.success ? card.data.title : undefined,
    runId:
      meta?.workflowRun?.runId ??
      meta?.runId ??
      (card?.success ? card.data.runId : undefined) ??
      RUN_MESSAGE_ID.exec(message.id)?.[1],
    workflowId:
      meta?.workflowRun?.workflowId ??
      meta?.workflowId ??
      (card?.success ? card.data.workflowId : undefined),
  };
}

function postText(message: ChatMessage): string {
  return message.parts
    .flatMap((part) => {
      if (part.type === "text") return [part.text];
      if (part.type === "data-batch") {
        const batch = batchDataSchema.safeParse(part.data);
        if (!batch.success) return [];
        const { total, runs, posts, omittedPosts } = batch.data;
        const statuses = runs.map((r) => `${r.runId} ${r.status}`).join(", ");
        return [
          `${total} webhook run${total === 1 ? "" : "s"} of this workflow started in this minute (${statuses}${total > runs.length ? ", and more" : ""}); their records are readable with getRun.`,
          ...posts.map((p) => `Run ${p.runId} posted:\n${p.text}`),
          ...(omittedPosts > 0 ? [`(${omittedPosts} more posts not shown)`] : []),
        ];
      }
      if (part.type === "data-run") {
        const run = runDataSchema.safeParse(part.data);
        return run.success
          ? [
              `A run of this workflow started (run ${run.data.runId}); its record is readable with getRun.`,
            ]
          : [];
      }
      return [];
    })
    .join("\n\n");
}

export interface ModelHistoryOptions {
  /** Titles of the person's workflows by id, to name a post's workflow. */
  workflowTitles?: ReadonlyMap<string, string>;
}

/** A workflow's post as the model reads it: one delimited block, attributed, in a user turn. */
export function workflowPostForModel(
  message: ChatMessage,
  { workflowTitles }: ModelHistoryOptions = {},
): ChatMessage {
  const { runId, workflowId, cardTitle } = postSource(message);
  const title = (workflowId ? workflowTitles?.get(workflowId) : undefined) ?? cardTitle;
  return {
    id: message.id,
    role: "user",
    metadata: message.metadata,
    parts: [
      {
        type: "text",
        text: untrustedData("workflow post", postText(message), {
          workflow: title ?? workflowId,
          run: runId,
        }),
      },
    ],
  };
}

/** The stored history with every workflow post turned into delimited data. */
export function historyForModel(
  history: ChatMessage[],
  options: ModelHistoryOptions = {},
): ChatMessage[] {
  return history.map((message) =>
    isWorkflowPost(message) ? workflowPostForModel(message, options) : message,
  );
}

/**
 * The app's own notes for data parts outside workflow posts: a person's plan edit (`data-plan`)
 * becomes a short note. Run cards only appear in workflow posts, which are converted whole.
 */
export function dataPartForModel(part: { type: `data-${string}`; data: unknown }) {
  const parsed = part.type === "data-plan" ? planDataSchema.safeParse(part.data) : undefined;
  if (!parsed?.success) return undefined;
  const { workflowId, version } = parsed.data;
  return {
    type: "text" as const,
    text: `[The person edited workflow ${workflowId} by hand and saved it as version ${version}, a draft awaiting their approval.]`,
  };
}
