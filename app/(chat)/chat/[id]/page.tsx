import { notFound } from "next/navigation";
import { z } from "zod";
import { currentUserId } from "@/app/(auth)/auth";
import { settleReply } from "@/lib/ai/in-flight";
import { getModelConfig } from "@/lib/ai/providers";
import type { ChatMessage } from "@/lib/ai/types";
import { getMessages, getThread } from "@/lib/db/queries";
import { loadPlanCards, planVersionIds } from "@/lib/workflows/plan-card";
import { Chat } from "../../_components/chat";
import { modelStatus } from "../../model-status";

export const dynamic = "force-dynamic";

export default async function ThreadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const userId = await currentUserId();
  // Someone else's thread looks exactly like one that does not exist.
  if (!userId || !z.uuid().safeParse(id).success) notFound();
  const thread = await getThread({ id, userId });
  if (!thread) notFound();
  // A reply cut off by this very reload (or still streaming) is stored first, then read.
  await settleReply(id, 5000);
  const rows = await getMessages({ threadId: id });
  const messages: ChatMessage[] = rows.map((row) => ({
    id: row.id,
    role: row.role,
    parts: row.parts as ChatMessage["parts"],
    metadata: (row.metadata ?? undefined) as ChatMessage["metadata"],
  }));
  // The cards' current state (approved, rejected, superseded) comes with the page, so a
  // reload shows it at once and exactly as stored.
  const planCards = await loadPlanCards({ userId, versionIds: planVersionIds(messages) });
  return (
    <Chat
      key={id}
      id={id}
      title={thread.title}
      initialMessages={messages}
      model={modelStatus(getModelConfig())}
      planCards={planCards}
      liveSeq={thread.liveSeq}
    />
  );
}
