// Auth.js (next-auth v5): email + password always, GitHub when its env is set. Sessions are
// JWTs carrying our user id and a session id that signing out revokes (lib/auth/sessions.ts);
// every route and action checks `auth()` itself.
import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import { authorizeCredentials } from "@/lib/auth/authorize";
import { safeCallbackUrl } from "@/lib/auth/redirect";
import { getAuthSecret } from "@/lib/auth/secret";
import { checkSession, endSession, newSessionId, SESSION_MAX_AGE } from "@/lib/auth/sessions";
import { upsertOAuthUser } from "@/lib/db/queries";
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
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/login" },
    logger: {
      // A wrong password (or a throttled one) is an expected outcome, shown in the form; not a
      // server error.
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
        authorize: (raw, request) => authorizeCredentials(raw, request),
      }),
      ...(githubEnabled()
        ? [GitHub({ clientId: config.AUTH_GITHUB_ID, clientSecret: config.AUTH_GITHUB_SECRET })]
        : []),
    ],
    callbacks: {
      async jwt({ token, user, account, profile }) {
        if (!user) return checkSession(token);
        // Signing in: a new session with its own id.
        if (account?.provider === "github" && user.email) {
          const local = await upsertOAuthUser({
            provider: "github",
            providerAccountId: String(profile?.id ?? account.providerAccountId),
            email: user.email.toLowerCase(),
            name: user.name,
            image: user.image,
          });
          token.uid = local.id;
        } else if (user.id) {
          token.uid = user.id;
        }
        token.sid = newSessionId();
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
      redirect: ({ url, baseUrl }) => safeCallbackUrl(url, baseUrl),
    },
    events: {
      // Runs for the sign-out action and for POST /api/auth/signout, before the cookie is
      // cleared; a failure is logged by Auth.js and the cookie is still cleared.
      async signOut(message) {
        if ("token" in message) await endSession(message.token);
      },
    },
  };
});

/** The signed-in user's id, or undefined. */
export async function currentUserId(): Promise<string | undefined> {
  const session = await auth();
  return session?.user?.id || undefined;
}
