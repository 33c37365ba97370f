// Tracks the reply being saved for each thread in this process, so a request that rewrites
// the history (regenerate right after Stop) waits until the stopped reply has been stored.

const globalForReplies = globalThis as unknown as { flowchatReplies?: Map<string, Promise<void>> };
globalForReplies.flowchatReplies ??= new Map();
const replies = globalForReplies.flowchatReplies;

/** Registers the reply of `threadId`; call the returned function once it is stored. */
export function beginReply(threadId: string): () => void {
  let done!: () => void;
  const saved = new Promise<void>((resolve) => {
    done = resolve;
  });
  replies.set(threadId, saved);
  return () => {
    if (replies.get(threadId) === saved) replies.delete(threadId);
    done();
  };
}

/** Waits (bounded) for a reply of `threadId` that is still being stored. */
export async function settleReply(threadId: string, timeoutMs = 10_000): Promise<void> {
  const pending = replies.get(threadId);
  if (!pending) return;
  await Promise.race([pending, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
}
