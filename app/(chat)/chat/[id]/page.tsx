import { notFound } from "next/navigation";
import { z } from "zod";
import { currentUserId } from "@/app/(auth)/auth";
import { settleReply } from "@/lib/ai/in-flight";
import { getModelConfig } from "@/lib/ai/providers";
import { getUserById } from "@/lib/db/queries";
import { loadThreadPageData } from "@/lib/threads/thread-page";
import { Chat } from "../../_components/chat";
import { modelStatus } from "../../model-status";

export const dynamic = "force-dynamic";

export default async function ThreadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const userId = await currentUserId();
  // Someone else's thread looks exactly like one that does not exist.
  if (!userId || !z.uuid().safeParse(id).success) notFound();
  // A reply cut off by this very reload (or still streaming) is stored first, then read.
  await settleReply(id, 5000);
  const [data, user] = await Promise.all([
    loadThreadPageData({ userId, threadId: id }),
    getUserById({ id: userId }),
  ]);
  if (!data) notFound();
  return (
    <Chat
      key={id}
      id={id}
      title={data.thread.title}
      initialMessages={data.messages}
      olderCursor={data.before}
      model={modelStatus(getModelConfig())}
      planCards={data.planCards}
      liveSeq={data.thread.liveSeq}
      timeZone={user?.timezone ?? undefined}
    />
  );
}
