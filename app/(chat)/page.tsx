import { getModelConfig } from "@/lib/ai/providers";
import { Chat } from "./_components/chat";
import { modelStatus } from "./model-status";

export const dynamic = "force-dynamic";

export default function NewChatPage() {
  // A fresh id per visit: the thread is created when its first message is sent.
  return (
    <Chat
      key="new"
      id={crypto.randomUUID()}
      initialMessages={[]}
      model={modelStatus(getModelConfig())}
      isNew
    />
  );
}
