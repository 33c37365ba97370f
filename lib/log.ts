// Server-side error logging. Database errors are logged as their SQLSTATE-only stand-in (their
// own message and stack carry SQL and bound values: secrets, emails); everything else as is.
import { withoutDatabaseDetails } from "@/lib/db/errors";

export function logError(message: string, error?: unknown): void {
  if (error === undefined) console.error(message);
  else console.error(message, withoutDatabaseDetails(error));
}
