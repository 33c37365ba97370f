// A new password is long enough and not one attackers try first.
import { describe, expect, it } from "vitest";
import { signUpSchema } from "@/lib/auth/credentials";
import { newPasswordProblem } from "@/lib/auth/password-policy";

const signUp = (password: string) => signUpSchema.safeParse({ email: "ada@example.com", password });

describe("the password policy", () => {
  it("refuses fewer than 10 characters", () => {
    const result = signUp("nine-char");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("Use at least 10 characters for the password.");
    expect(signUp("ten-chars!").success).toBe(true);
  });

  it.each(["password123", "PASSWORD123", "qwertyuiop", "1234567890", "1q2w3e4r5t", "basketball"])(
    "refuses the common password %j",
    async (password) => {
      expect(await newPasswordProblem(password, "ada@example.com")).toMatch(
        /one of the most common/,
      );
    },
  );

  it("refuses the email address, or its name part, as the password", async () => {
    expect(await newPasswordProblem("Ada.Lovelace@example.com", "ada.lovelace@example.com")).toBe(
      "Do not use your email address as the password.",
    );
    expect(await newPasswordProblem("ada.lovelace", "ada.lovelace@example.com")).toBe(
      "Do not use your email address as the password.",
    );
  });

  it.each(["correct horse battery", "Tr0ub4dor&3-extended", "mauve-lantern-42"])(
    "accepts %j",
    async (password) => {
      expect(signUp(password).success).toBe(true);
      expect(await newPasswordProblem(password, "ada@example.com")).toBeUndefined();
    },
  );
});
