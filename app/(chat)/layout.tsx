import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { auth } from "@/app/(auth)/auth";
import { getUserById, listThreads } from "@/lib/db/queries";
import { MobileNav } from "./_components/shell/mobile-nav";
import { Sidebar } from "./_components/sidebar";

export const dynamic = "force-dynamic";

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  const userId = session?.user?.id;
  const user = userId ? await getUserById({ id: userId }) : undefined;
  if (!user) redirect("/login");
  const threads = await listThreads({ userId: user.id });
  const nav = {
    user: { email: user.email, name: user.name },
    threads: threads.map((t) => ({
      id: t.id,
      title: t.title,
      updatedAt: t.updatedAt.toISOString(),
    })),
  };
  // Wide screens: the sidebar beside the page. Phones: a top bar above it, with a drawer menu.
  return (
    <div className="flex h-dvh flex-col overflow-hidden md:flex-row">
      <Sidebar {...nav} />
      <MobileNav {...nav} />
      <main className="flex min-h-0 min-w-0 flex-1 flex-col">{children}</main>
    </div>
  );
}
