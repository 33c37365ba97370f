// The page a resume or approval link opens (GET /api/resume/:token sends browsers here). It
// shows what is being decided, in which run, by when, and where it stands, and decides nothing
// by itself: mail scanners and link previews that fetch the link see this page; only the
// buttons (a POST) decide. No sign-in needed: the link's token is the credential, and the page
// shows only the workflow, the step, its prompt and times. The run's owner, signed in, also
// gets links to the run and its thread, and their own time zone.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { currentUserId } from "@/app/(auth)/auth";
import { getUserById } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { describeResumeLink } from "@/lib/runs/resume-request";
import { ResumePanel } from "./resume-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Decide · Flowchat",
  // A link in an email must not end up in search results.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

type Props = { params: Promise<{ token: string }> };

async function load(token: string) {
  try {
    return await describeResumeLink(token);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
}

export default async function ResumePage({ params }: Props) {
  const { token } = await params;
  const { ownerId, workflowId, threadId, ...view } = await load(decodeURIComponent(token));
  const viewerId = await currentUserId();
  const isOwner = viewerId !== undefined && viewerId === ownerId;
  const zone = isOwner ? ((await getUserById({ id: ownerId }))?.timezone ?? undefined) : undefined;
  return (
    <main className="flex min-h-dvh items-start justify-center px-4 py-10 sm:items-center">
      <ResumePanel
        token={token}
        view={view}
        isOwner={isOwner}
        zone={zone}
        links={
          isOwner
            ? {
                run: `/workflows/${workflowId}/runs/${view.runId}`,
                thread: threadId ? `/chat/${threadId}` : undefined,
              }
            : undefined
        }
      />
    </main>
  );
}
