import { describe, expect, it } from "vitest";
import { runs } from "@/lib/db/schema";
import { ACTIVE_STATUSES, isTerminal, TERMINAL_STATUSES } from "@/lib/runs/status";

describe("run statuses", () => {
  it("calls succeeded, failed and cancelled terminal", () => {
    for (const status of ["succeeded", "failed", "cancelled"])
      expect(isTerminal(status)).toBe(true);
  });

  it("calls queued, running and waiting not terminal, nor anything else", () => {
    for (const status of ["queued", "running", "waiting", "skipped", "completed", ""]) {
      expect(isTerminal(status)).toBe(false);
    }
  });

  it("splits the statuses the database knows into active and terminal, with none left over", () => {
    expect([...ACTIVE_STATUSES, ...TERMINAL_STATUSES].sort()).toEqual(
      [...runs.status.enumValues].sort(),
    );
    expect(ACTIVE_STATUSES.filter(isTerminal)).toEqual([]);
  });
});
