import { getModelConfig } from "@/lib/ai/providers";
import { getTemplate } from "@/lib/templates";
import { Chat } from "./_components/chat";
import { modelStatus } from "./model-status";

export const dynamic = "force-dynamic";

export default async function NewChatPage({
  searchParams,
}: {
  searchParams: Promise<{ template?: string | string[] }>;
}) {
  // The Templates page's "Use this template": the request waits in the composer to be sent.
  const { template } = await searchParams;
  const chosen = typeof template === "string" ? getTemplate(template) : undefined;
  // A fresh id per visit: the thread is created when its first message is sent.
  return (
    <Chat
      key={chosen ? `new-${chosen.id}` : "new"}
      id={crypto.randomUUID()}
      initialMessages={[]}
      model={modelStatus(getModelConfig())}
      initialInput={chosen ? `Use the template ${chosen.id}` : undefined}
      isNew
    />
  );
}
