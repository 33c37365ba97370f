// What the crash tests check once every run has finished: each unit succeeded exactly once, and
// no unit ran again (in a later process) after its result was stored; the run ended once.
import fs from "node:fs";
import { expect } from "vitest";
import { listRunEvents, listRunSteps } from "@/lib/db/run-queries";

/** `effectsFile` holds one JSON line per execution: { run, unit, incarnation }. */
export async function expectNoStoredStepRanTwice({
  effectsFile,
  runIds,
  units,
}: {
  effectsFile: string;
  runIds: string[];
  units: string[];
}) {
  const executions = fs
    .readFileSync(effectsFile, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { run: string; unit: string; incarnation: number });
  for (const runId of runIds) {
    const steps = await listRunSteps({ runId });
    for (const unit of units) {
      const succeeded = steps.filter((s) => s.stepId === unit && s.status === "succeeded");
      expect(succeeded, `${runId} ${unit}`).toHaveLength(1);
      const stored = (succeeded[0].output as { incarnation: number }).incarnation;
      const after = executions.filter(
        (e) => e.run === runId && e.unit === unit && e.incarnation > stored,
      );
      expect(after, `${runId} ${unit} ran again after its result was stored`).toEqual([]);
    }
    const events = await listRunEvents({ runId });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.message === "Run succeeded")).toHaveLength(1);
  }
}
