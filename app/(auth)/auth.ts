// Auth.js (next-auth v5): email + password always, GitHub when its env is set. Sessions are
// JWTs carrying our user id; every route and action checks `auth()` itself.
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { signInSchema } from "@/lib/auth/credentials";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { getAuthSecret } from "@/lib/auth/secret";
import { getUserByEmail, upsertOAuthUser } from "@/lib/db/queries";
import { env } from "@/lib/env";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

export function githubEnabled() {
  const config = env();
  return Boolean(config.AUTH_GITHUB_ID && config.AUTH_GITHUB_SECRET);
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = env();
  return {
    secret: getAuthSecret(),
    trustHost: true,
    session: { strategy: "jwt" },
    pages: { signIn: "/login" },
    logger: {
      // A wrong password is an expected outcome, shown in the form; not a server error.
      error(error) {
        // `name` is minified in production builds; `type` is kept.
        if ((error as { type?: string }).type === "CredentialsSignin") return;
        if (error.name === "CredentialsSignin") return;
        console.error("[auth]", error);
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw) {
          const parsed = signInSchema.safeParse(raw);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const user = await getUserByEmail({ email });
          if (!user?.passwordHash) {
            await verifyAgainstDummy(password);
            return null;
          }
          if (!(await verifyPassword(password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(githubEnabled()
        ? [GitHub({ clientId: config.AUTH_GITHUB_ID, clientSecret: config.AUTH_GITHUB_SECRET })]
        : []),
    ],
    callbacks: {
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "github" && user?.email) {
          const local = await upsertOAuthUser({
            provider: "github",
            providerAccountId: String(profile?.id ?? account.providerAccountId),
            email: user.email.toLowerCase(),
            name: user.name,
            image: user.image,
          });
          token.uid = local.id;
        } else if (user?.id) {
          token.uid = user.id;
        }
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
});

/** The signed-in user's id, or undefined. */
export async function currentUserId(): Promise<string | undefined> {
  const session = await auth();
  return session?.user?.id || undefined;
}
