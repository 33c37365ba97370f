import { redirect } from "next/navigation";
import { AuthForm } from "../_components/auth-form";
import { AuthShell } from "../_components/auth-shell";
import { signInAction } from "../actions";
import { auth } from "../auth";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>;
}) {
  if ((await auth())?.user) redirect("/");
  const { next } = await searchParams;
  return (
    <AuthShell title="Sign in to your workflows">
      <AuthForm mode="login" action={signInAction} next={next} />
    </AuthShell>
  );
}
