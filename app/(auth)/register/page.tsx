import { redirect } from "next/navigation";
import { AuthForm } from "../_components/auth-form";
import { AuthShell } from "../_components/auth-shell";
import { signUpAction } from "../actions";
import { auth } from "../auth";

export const dynamic = "force-dynamic";

export default async function RegisterPage() {
  if ((await auth())?.user) redirect("/");
  return (
    <AuthShell title="Create your account">
      <AuthForm mode="register" action={signUpAction} />
    </AuthShell>
  );
}
