// Auth.js's routes. A credentials sign-in refused by the sign-in limits (lib/auth/login-throttle)
// answers 429 with Retry-After here, where Auth.js alone would redirect to the login page.
import type { NextRequest } from "next/server";
import { handlers } from "@/app/(auth)/auth";
import { withLoginThrottleReport } from "@/lib/auth/login-throttle";
import { rateLimitError } from "@/lib/rate-limit";

export const { GET } = handlers;

export async function POST(request: NextRequest): Promise<Response> {
  const { result, throttledFor } = await withLoginThrottleReport(() => handlers.POST(request));
  if (throttledFor === undefined) return result;
  return rateLimitError("login", throttledFor).toResponse();
}
