// What the chat page tells the person about the model: ready, or how to configure one.
import { MODEL_SETUP_HELP, type ModelConfig } from "@/lib/ai/providers";
import type { ModelStatus } from "./_components/chat";

export function modelStatus(config: ModelConfig): ModelStatus {
  return config.configured
    ? { configured: true, model: config.model }
    : { configured: false, help: MODEL_SETUP_HELP };
}
