// Sign-up through the form's server action: the password policy, the per-address limit, and an
// existing email that is answered exactly like any other refusal. Auth.js's signIn() is stood in
// for by what it does with credentials (authorize(), then a redirect or a CredentialsSignin);
// sign-in.test.ts drives the real one.
import { CredentialsSignin } from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { users } from "@/lib/db/schema";
import { queriesDatabase } from "../../helpers/queries";

const caller = vi.hoisted(() => ({ address: "198.51.100.1" }));

class SignedIn extends Error {
  constructor(readonly userId: string) {
    super("signed in (stands for the redirect)");
  }
}

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": caller.address }),
}));
vi.mock("@/app/(auth)/auth", async () => {
  const { authorizeCredentials } = await import("@/lib/auth/authorize");
  return {
    signOut: async () => {},
    signIn: async (_provider: string, options: { email: string; password: string }) => {
      const user = await authorizeCredentials(
        { email: options.email, password: options.password },
        new Request("http://app.test/api/auth/callback/credentials", {
          method: "POST",
          headers: { "x-forwarded-for": caller.address },
        }),
      );
      if (!user) throw new CredentialsSignin();
      throw new SignedIn(user.id);
    },
  };
});

const database = queriesDatabase("pglite", { env: { TRUST_PROXY: "" } });
let actions: typeof import("@/app/(auth)/actions");
let limits: typeof import("@/lib/rate-limit");
let registration: typeof import("@/lib/auth/registration");
let counter = 0;

beforeAll(async () => {
  actions = await import("@/app/(auth)/actions");
  limits = await import("@/lib/rate-limit");
  registration = await import("@/lib/auth/registration");
});
afterAll(() => {
  limits?.resetRateLimits();
});
beforeEach(() => {
  counter += 1;
  caller.address = `198.51.100.${counter}`;
  limits.setRateLimits({
    register: { points: 3, duration: 3600 },
    login: { points: 3, duration: 900 },
  });
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

function signUp(email: string, password: string) {
  return actions.signUpAction({ status: "idle" }, form({ email, password }));
}

describe("the password policy", () => {
  it("refuses a password shorter than 10 characters", async () => {
    const state = await signUp("short@example.com", "abc12345!");
    expect(state.message).toBe("Use at least 10 characters for the password.");
  });

  it("refuses one of the most common passwords, whatever its case", async () => {
    for (const password of ["password123", "Qwertyuiop", "1q2w3e4r5t"]) {
      const state = await signUp("common@example.com", password);
      expect(state.message).toMatch(/one of the most common/);
    }
    expect(await database.db.select().from(users)).toHaveLength(0);
  });

  it("refuses the email address as the password", async () => {
    const state = await signUp("marguerite@example.com", "marguerite@example.com");
    expect(state.message).toBe("Do not use your email address as the password.");
  });

  it("accepts a long, uncommon password and signs the new person in", async () => {
    await expect(signUp("ada@example.com", "correct horse battery")).rejects.toBeInstanceOf(
      SignedIn,
    );
  });
});

describe("sign-up with an email that already has an account", () => {
  it("answers with the same message as any other refusal and never says the email exists", async () => {
    const email = `taken${counter}@example.com`;
    await database.db
      .insert(users)
      .values({ email, passwordHash: await hashPassword("the owner's password") });
    // Another refusal: an account that signs in only with GitHub has no password to match.
    await database.db.insert(users).values({ email: `github${counter}@example.com` });

    const taken = await signUp(email, "a guessed password");
    const other = await signUp(`github${counter}@example.com`, "a guessed password");
    expect(taken).toEqual({ ...other, fields: { email, name: "" } });
    expect(taken.message).toBe(registration.REGISTRATION_REFUSED);
    expect(taken.message).not.toMatch(/exist|taken|already registered|in use/i);
  });

  it("signs the owner in when the password is theirs, as a new account would be", async () => {
    const email = `owner${counter}@example.com`;
    await database.db
      .insert(users)
      .values({ email, passwordHash: await hashPassword("the owner's password") });
    await expect(signUp(email, "the owner's password")).rejects.toBeInstanceOf(SignedIn);
  });

  it("counts a wrong password as a failed sign-in, so sign-up cannot be used to guess", async () => {
    const email = `guessed${counter}@example.com`;
    await database.db
      .insert(users)
      .values({ email, passwordHash: await hashPassword("the owner's password") });
    for (let i = 0; i < 3; i++) {
      expect((await signUp(email, `guess number ${i}!`)).message).toBe(
        registration.REGISTRATION_REFUSED,
      );
    }
    limits.setRateLimits({
      register: { points: 100, duration: 3600 },
      login: { points: 3, duration: 900 },
    });
    expect((await signUp(email, "the owner's password")).message).toBe(
      "Too many attempts. Try again in 15 minutes.",
    );
  });
});

describe("the sign-up limit", () => {
  it("refuses further sign-ups from one address, saying how long to wait", async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        signUp(`new${counter}-${i}@example.com`, "correct horse battery"),
      ).rejects.toBeInstanceOf(SignedIn);
    }
    const refused = await signUp(`new${counter}-9@example.com`, "correct horse battery");
    expect(refused).toMatchObject({
      status: "error",
      message: "Too many attempts. Try again in 60 minutes.",
    });
    caller.address = "203.0.113.77";
    await expect(
      signUp(`new${counter}-9@example.com`, "correct horse battery"),
    ).rejects.toBeInstanceOf(SignedIn);
  });

  it("does not count a form that fails validation", async () => {
    for (let i = 0; i < 5; i++) await signUp(`v${i}@example.com`, "short");
    await expect(
      signUp(`valid${counter}@example.com`, "correct horse battery"),
    ).rejects.toBeInstanceOf(SignedIn);
  });
});
