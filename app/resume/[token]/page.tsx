// The page a resume or approval link opens (GET /api/resume/:token sends browsers here). It
// shows what is being decided and decides nothing by itself: mail scanners and link previews
// that fetch the link see this page; only the buttons (a POST) decide. No sign-in needed: the
// link's token is the credential, and the page shows only the workflow, the step and its prompt.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { describeResumeLink, type ResumeView } from "@/lib/runs/resume-request";
import { ResumeForm } from "./resume-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Decide · Flowchat",
  // A link in an email must not end up in search results.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

type Props = { params: Promise<{ token: string }> };

async function load(token: string): Promise<ResumeView> {
  try {
    return await describeResumeLink(token);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
}

const heading: Record<ResumeView["kind"], string> = {
  approval: "Approval requested",
  event: "A workflow is waiting for you",
  delay: "A workflow is waiting",
};

export default async function ResumePage({ params }: Props) {
  const { token } = await params;
  const view = await load(decodeURIComponent(token));
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-10">
      <div className="w-full max-w-md rounded-2xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800">
        <p className="text-sm font-semibold tracking-tight text-zinc-500">Flowchat</p>
        <h1 className="mt-1 text-xl font-semibold tracking-tight" data-testid="resume-heading">
          {heading[view.kind]}
        </h1>
        <dl className="mt-4 space-y-2 text-sm">
          <div>
            <dt className="text-zinc-500">Workflow</dt>
            <dd className="font-medium" data-testid="resume-workflow">
              {view.workflow}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Step</dt>
            <dd className="font-medium">{view.step.title}</dd>
          </div>
          {view.step.prompt ? (
            <div>
              <dt className="text-zinc-500">Question</dt>
              <dd className="whitespace-pre-wrap" data-testid="resume-prompt">
                {view.step.prompt}
              </dd>
            </div>
          ) : null}
        </dl>
        <ResumeForm token={token} view={view} />
      </div>
    </main>
  );
}
