// Signing in and out through Auth.js's real route handler and the Credentials provider's
// authorize(): failed attempts are throttled on both ways in (429 + Retry-After on HTTP),
// sessions carry an id that signing out revokes, and a cookie copied before sign-out is
// refused after it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { users } from "@/lib/db/schema";
import { queriesDatabase } from "../../helpers/queries";
import { CookieJar, request } from "./cookie-jar";

const PASSWORD = "correct horse battery";
const database = queriesDatabase("pglite", {
  env: { AUTH_SECRET: "test-secret-for-the-sign-in-tests-0123456789", TRUST_PROXY: "" },
});
let route: typeof import("@/app/api/auth/[...nextauth]/route");
let limits: typeof import("@/lib/rate-limit");
let authorize: typeof import("@/lib/auth/authorize");
let throttle: typeof import("@/lib/auth/login-throttle");
let sessions: typeof import("@/lib/auth/sessions");
let counter = 0;

beforeAll(async () => {
  route = await import("@/app/api/auth/[...nextauth]/route");
  limits = await import("@/lib/rate-limit");
  authorize = await import("@/lib/auth/authorize");
  throttle = await import("@/lib/auth/login-throttle");
  sessions = await import("@/lib/auth/sessions");
});
afterAll(() => {
  limits?.resetRateLimits();
});
beforeEach(() => {
  limits.setRateLimits({
    login: { points: 3, duration: 600 },
    "login-address": { points: 20, duration: 600 },
    "login-account": { points: 50, duration: 600 },
  });
});

async function person() {
  counter += 1;
  const email = `person${counter}@example.com`;
  const [user] = await database.db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(PASSWORD) })
    .returning();
  if (!user) throw new Error("no user");
  return { id: user.id, email };
}

async function csrfToken(jar: CookieJar) {
  const response = jar.take(await route.GET(request(jar, "/api/auth/csrf")));
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

async function signIn(jar: CookieJar, email: string, password: string, address = "198.51.100.7") {
  const csrf = await csrfToken(jar);
  return jar.take(
    await route.POST(
      request(jar, "/api/auth/callback/credentials", {
        form: { csrfToken: csrf, email, password, callbackUrl: "/" },
        headers: { "x-forwarded-for": address },
      }),
    ),
  );
}

async function sessionOf(jar: CookieJar) {
  const response = await route.GET(request(jar, "/api/auth/session"));
  return (await response.json()) as { user?: { email?: string } } | null;
}

async function signOut(jar: CookieJar) {
  const csrf = await csrfToken(jar);
  return jar.take(
    await route.POST(request(jar, "/api/auth/signout", { form: { csrfToken: csrf } })),
  );
}

function credentialsRequest(address: string) {
  return new Request("http://app.test/api/auth/callback/credentials", {
    method: "POST",
    headers: { "x-forwarded-for": address },
  });
}

describe("sign-in through Auth.js's route", () => {
  it("signs in with the right password and the session names the person", async () => {
    const ada = await person();
    const jar = new CookieJar();
    const response = await signIn(jar, ada.email, PASSWORD);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://app.test/");
    expect((await sessionOf(jar))?.user?.email).toBe(ada.email);
  });

  it("answers 429 with Retry-After after too many failed attempts for one email and address", async () => {
    const ada = await person();
    const jar = new CookieJar();
    for (let i = 0; i < 3; i++) {
      const failed = await signIn(jar, ada.email, "wrong password!");
      expect(failed.status).toBe(302);
      expect(failed.headers.get("location")).toContain("error=CredentialsSignin");
    }
    const refused = await signIn(jar, ada.email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(500);
    expect(await refused.json()).toEqual({
      error: {
        code: "rate_limit:auth",
        message: "Too many attempts. Try again in 10 minutes.",
        details: { retryAfter: expect.any(Number) },
      },
    });
    expect(await sessionOf(jar)).toBeNull();

    // Another address is not held back by this one's failures.
    expect((await signIn(new CookieJar(), ada.email, PASSWORD, "203.0.113.9")).status).toBe(302);
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const bob = await person();
    const jar = new CookieJar();
    await signIn(jar, bob.email, "wrong password!");
    await signIn(jar, bob.email, "wrong password!");
    expect((await signIn(jar, bob.email, PASSWORD)).status).toBe(302);
    await signIn(new CookieJar(), bob.email, "wrong password!");
    await signIn(new CookieJar(), bob.email, "wrong password!");
    expect((await signIn(new CookieJar(), bob.email, PASSWORD)).status).toBe(302);
  });

  it("caps failures per address across emails, and per email across addresses", async () => {
    limits.setRateLimits({
      login: { points: 100, duration: 600 },
      "login-address": { points: 4, duration: 600 },
      "login-account": { points: 6, duration: 600 },
    });
    const address = "192.0.2.44";
    for (let i = 0; i < 4; i++)
      await signIn(new CookieJar(), `nobody${i}@example.com`, "x", address);
    expect((await signIn(new CookieJar(), "nobody9@example.com", "x", address)).status).toBe(429);

    const carol = await person();
    for (let i = 0; i < 6; i++) await signIn(new CookieJar(), carol.email, "nope", `192.0.2.${i}`);
    expect((await signIn(new CookieJar(), carol.email, PASSWORD, "192.0.2.200")).status).toBe(429);
  });
});

describe("sign-in through authorize()", () => {
  it("refuses further attempts after too many failures, with the wait", async () => {
    const dave = await person();
    const address = "198.51.100.23";
    for (let i = 0; i < 3; i++) {
      expect(
        await authorize.authorizeCredentials(
          { email: dave.email, password: "wrong password!" },
          credentialsRequest(address),
        ),
      ).toBeNull();
    }
    const refused = authorize.authorizeCredentials(
      { email: dave.email, password: PASSWORD },
      credentialsRequest(address),
    );
    await expect(refused).rejects.toBeInstanceOf(throttle.LoginThrottled);
    await expect(refused).rejects.toMatchObject({
      code: "rate_limited",
      retryAfterSeconds: expect.any(Number),
    });
  });

  it("counts an unknown email's failures like a known one's", async () => {
    const address = "198.51.100.24";
    for (let i = 0; i < 3; i++) {
      await authorize.authorizeCredentials(
        { email: "ghost@example.com", password: "whatever it is" },
        credentialsRequest(address),
      );
    }
    await expect(
      authorize.authorizeCredentials(
        { email: "ghost@example.com", password: "whatever it is" },
        credentialsRequest(address),
      ),
    ).rejects.toBeInstanceOf(throttle.LoginThrottled);
  });
});

describe("sign-out", () => {
  it("revokes the session: a cookie copied before sign-out is refused after it", async () => {
    const erin = await person();
    const jar = new CookieJar();
    await signIn(jar, erin.email, PASSWORD);
    const copied = jar.copy();
    expect((await sessionOf(copied))?.user?.email).toBe(erin.email);

    const response = await signOut(jar);
    expect(response.status).toBe(302);
    expect(await sessionOf(jar)).toBeNull();

    const stolen = await route.GET(request(copied, "/api/auth/session"));
    expect(await stolen.json()).toBeNull();
    // The refused cookie is cleared, not refreshed.
    expect(stolen.headers.getSetCookie().join("\n")).toMatch(/authjs\.session-token=;/);
  });

  it("leaves the person's other sessions signed in", async () => {
    const fay = await person();
    const laptop = new CookieJar();
    const phone = new CookieJar();
    await signIn(laptop, fay.email, PASSWORD);
    await signIn(phone, fay.email, PASSWORD);
    await signOut(laptop);
    expect((await sessionOf(phone))?.user?.email).toBe(fay.email);
  });
});

describe("the jwt callback's session check", () => {
  it("keeps a session whose id is not revoked, and ends it once it is", async () => {
    const gus = await person();
    const token = { uid: gus.id, sid: sessions.newSessionId() };
    expect(await sessions.checkSession(token)).toBe(token);
    await sessions.endSession(token);
    expect(await sessions.checkSession(token)).toBeNull();
    expect(
      await sessions.checkSession({ uid: gus.id, sid: sessions.newSessionId() }),
    ).not.toBeNull();
  });

  it("ends a session issued before sessions had ids: it could never be revoked", async () => {
    const hal = await person();
    expect(await sessions.checkSession({ uid: hal.id, sub: hal.id })).toBeNull();
  });
});
