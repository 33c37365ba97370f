// Reads a server-sent-events body as the browser's EventSource would: the frames of the live
// routes (per run and per thread), collected as they arrive.

/** One SSE frame; `id` as sent (the run route's is a seq, the thread route's a cursor). */
export type Frame = { id?: string; event: string; data?: unknown };

/**
 * Reads an SSE body into frames as they come; `ended` settles when it closes, `leave` closes
 * it as a browser does (Next cancels the response body).
 */
export function readFrames(body: ReadableStream<Uint8Array>) {
  const frames: Frame[] = [];
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf("\n\n");
        const frame: Frame = { event: "message" };
        let data: string | undefined;
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) frame.id = line.slice(4);
          else if (line.startsWith("event: ")) frame.event = line.slice(7);
          else if (line.startsWith("data: ")) data = line.slice(6);
        }
        if (data === undefined) continue;
        frame.data = JSON.parse(data);
        frames.push(frame);
      }
    }
  })();
  const leave = async () => {
    await reader.cancel().catch(() => {});
    await ended;
  };
  return { frames, ended, leave };
}
