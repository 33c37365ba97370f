// The settings check as the server starts (instrumentation.ts, Node runtime only): a malformed
// setting stops the process with each variable's name and what is wrong, before any page can
// fail on it; likely mistakes are logged as warnings.
import { checkSettings } from "@/lib/env";

export function refuseInvalidSettings(source: Record<string, string | undefined> = process.env) {
  const { problems, warnings } = checkSettings(source);
  for (const warning of warnings) console.warn(`[settings] ${warning}`);
  if (problems.length === 0) return;
  console.error(
    [
      "Flowchat cannot start: invalid configuration.",
      ...problems.map((problem) => `  - ${problem}`),
      "Fix or unset these variables (see the README's Configuration) and start again.",
    ].join("\n"),
  );
  process.exit(1);
}
