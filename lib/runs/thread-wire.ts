// An open thread's live stream as it travels (GET /api/threads/:id/events), shared by server
// and client. One stream per page multiplexes every run of the thread and its messages:
//   event: run-event  data: LiveRunEvent (wire.ts; `run.id` says which run)
//   event: run        data: WireRun (the run changed without an entry)
//   event: run-end    data: ThreadRunEnd (the run ended and everything was sent)
//   event: message    data: ThreadMessageFrame (a message a workflow wrote: new or changed)
//   event: ready      data: { seq } (the stream listens; sent once per connection)
// Every frame's id is the stream's cursor after it (see `formatThreadCursor`).
import type { ChatMessage } from "@/lib/ai/types";
import type { RunStatus } from "./status";

export type ThreadRunEnd = { runId: string; status?: RunStatus };
export type ThreadMessageFrame = { seq: number; message: ChatMessage };
export type ThreadReady = { seq: number };

/**
 * Where a thread stream resumes: the thread's message sequence (`threads.live_seq`: every
 * message a workflow writes bumps it under the thread's row lock, so it orders writes as they
 * commit) and, per run the stream follows that has not ended, the seq of its newest entry sent
 * (a run's own contiguous log sequence). Runs absent from it are followed from "now"; a view
 * that finds a gap before the first frame reads its run once more.
 */
export type ThreadCursor = { messages: number; runs: Map<string, number> };

/** At most this many runs are named in a cursor (the rest resume from "now"). */
export const CURSOR_MAX_RUNS = 64;
const MAX_SEQ = 2 ** 31 - 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<messages>` then `,<run id>:<seq>` per run: `12,0b6c…:34`. */
export function formatThreadCursor(cursor: ThreadCursor): string {
  const runs = [...cursor.runs].slice(0, CURSOR_MAX_RUNS).map(([id, seq]) => `,${id}:${seq}`);
  return `${cursor.messages}${runs.join("")}`;
}

function parseSeq(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_SEQ ? n : undefined;
}

/** The cursor in `text`, or undefined when it is not one (too long, bad numbers, bad ids). */
export function parseThreadCursor(text: string): ThreadCursor | undefined {
  if (text.length > 64 + CURSOR_MAX_RUNS * 48) return undefined;
  const [head, ...rest] = text.split(",");
  const messages = parseSeq(head);
  if (messages === undefined || rest.length > CURSOR_MAX_RUNS) return undefined;
  const runs = new Map<string, number>();
  for (const entry of rest) {
    const [id, seqText, extra] = entry.split(":");
    const seq = parseSeq(seqText);
    if (!id || !UUID.test(id) || seq === undefined || extra !== undefined) return undefined;
    runs.set(id.toLowerCase(), seq);
  }
  return { messages, runs };
}
