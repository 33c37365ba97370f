// What the chat page tells the person about the model: which one answers, or how to set one.
import { MODEL_SETUP_HELP, type ModelConfig } from "@/lib/ai/providers";
import { DEMO_MODEL_ID } from "@/lib/demo-model/demo";
import type { ModelStatus } from "./_components/chat";

/**
 * The header's label: the model id the app sends (OPENAI_MODEL or the default), and where it
 * goes; Flowchat's own demo model by its name, since it is no AI.
 */
export function modelStatus(config: ModelConfig): ModelStatus {
  if (!config.configured) return { configured: false, help: MODEL_SETUP_HELP };
  const where = config.provider === "openai" ? "OpenAI" : `${config.baseURL} (${config.api} API)`;
  return config.model === DEMO_MODEL_ID
    ? {
        configured: true,
        model: config.model,
        label: "Demo model",
        title: `Flowchat's demo model (${config.model}) at ${where}: no AI, it plans from the templates`,
      }
    : {
        configured: true,
        model: config.model,
        label: `Model: ${config.model}`,
        title: `${config.model} at ${where}`,
      };
}
