// Recorded mode: a local OpenAI-compatible server (lib/demo-model/server.ts, the one the tests
// use) that answers each case with its recorded replies, in order, through the real
// `@ai-sdk/openai` provider. Requests without tools (a test run's ai.generate) get a short text.
import { startOpenAIServer } from "@/lib/demo-model/server";
import type { Reply } from "@/lib/demo-model/types";
import { localIsoString } from "@/lib/plan";
import type { EvalCase, Harness } from "./harness";
import { expandRecorded, readRecording } from "./run-eval";

export const REPLAY_MODEL_ID = "recorded";

export async function startReplay({ dir, timezone }: { dir: string; timezone: string }) {
  const server = await startOpenAIServer({
    models: [REPLAY_MODEL_ID],
    defaultReply: () => (request) =>
      request.tools.length === 0
        ? "A short summary of what the step was given."
        : "(no recorded reply for this request)",
  });
  return {
    baseURL: server.baseURL,
    server,
    /** Queues the case's recorded replies (placeholders filled in for this run). */
    prepare(evalCase: EvalCase, now: Date, harness: Harness) {
      server.reset();
      const recording = readRecording(dir, evalCase.id);
      if (!recording) return;
      const replies = JSON.parse(
        expandRecorded(
          JSON.stringify(recording.replies),
          { harness, now, timezone },
          localIsoString,
        ),
      ) as Reply[];
      server.script(...replies);
    },
    close: () => server.close(),
  };
}
