import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { auth } from "@/app/(auth)/auth";
import { getUserById, listThreads } from "@/lib/db/queries";
import { Sidebar } from "./_components/sidebar";

export const dynamic = "force-dynamic";

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  const userId = session?.user?.id;
  const user = userId ? await getUserById({ id: userId }) : undefined;
  if (!user) redirect("/login");
  const threads = await listThreads({ userId: user.id });
  return (
    <div className="flex h-dvh overflow-hidden">
      <Sidebar
        user={{ email: user.email, name: user.name }}
        threads={threads.map((t) => ({
          id: t.id,
          title: t.title,
          updatedAt: t.updatedAt.toISOString(),
        }))}
      />
      <main className="flex min-w-0 flex-1 flex-col">{children}</main>
    </div>
  );
}
