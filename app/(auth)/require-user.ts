// The signed-in caller's id for route handlers, or `unauthorized:auth` (401). Beside auth.ts
// rather than in it: tests stand in for the session by mocking `currentUserId`, and this check
// still runs as written on top of their stand-in.
import { AppError } from "@/lib/errors";
import { currentUserId } from "./auth";

export async function requireUserId(): Promise<string> {
  const userId = await currentUserId();
  if (!userId) throw new AppError("unauthorized:auth");
  return userId;
}
