// Model errors that a person can act on, as the app's one error type.
import { AppError } from "@/lib/errors";

/** What to do when no model is configured; shown in the chat instead of a stack trace. */
export const MODEL_SETUP_HELP =
  "No language model is configured. Set OPENAI_API_KEY (and optionally OPENAI_MODEL) to use OpenAI, " +
  "or OPENAI_BASE_URL (with OPENAI_MODEL) for any OpenAI-compatible server such as Ollama " +
  "(http://localhost:11434/v1), vLLM or LM Studio, then restart the app. " +
  "To try Flowchat without a key, run `npm run fake-model` and start the app with the " +
  "OPENAI_BASE_URL it prints (http://127.0.0.1:4010/v1).";

/** Thrown by `getLanguageModel()` when the environment names no model; answers 503. */
export class ModelNotConfiguredError extends AppError {
  constructor() {
    super("unavailable:model", MODEL_SETUP_HELP);
    this.name = "ModelNotConfiguredError";
  }
}
