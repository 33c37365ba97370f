// `npm run bench [-- [--json] [suite ...]]`: figures, not assertions. Without suites it runs
// every suite below. Without --json it prints what each suite says and then a table of the
// figures; with --json it prints one JSON object per figure on stdout,
// {"suite","driver","metric","value","unit"} (medians), and the human lines on stderr.
// TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) is where scratch
// databases are created; BENCH_DRIVERS=pglite,postgres picks drivers; BENCH_REPEAT the rounds.
import os from "node:os";
import type { BenchDriver, BenchMetric, Suite } from "./suite";

/** The suites by name: adding one is one line (a file exporting a `Suite`). */
const SUITES: Record<string, () => Promise<Suite>> = {
  executor: async () => (await import("./executor")).runExecutorSuite,
  history: async () => (await import("./history")).runHistorySuite,
  interpreter: async () => (await import("./interpreter")).runInterpreterSuite,
  live: async () => {
    const { runLiveSuite } = await import("./live");
    return async ({ drivers, report }) => {
      for (const { suite: _suite, ...row } of await runLiveSuite({ drivers, json: true })) {
        report(row);
      }
    };
  },
};

const args = process.argv.slice(2);
const json = args.includes("--json");
const names = args.filter((arg) => !arg.startsWith("--"));
const unknown = names.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`Unknown suite ${unknown.join(", ")}; suites: ${Object.keys(SUITES).join(", ")}`);
  process.exit(2);
}
const drivers = (process.env.BENCH_DRIVERS ?? "pglite,postgres")
  .split(",")
  .map((driver) => driver.trim())
  .filter((driver): driver is BenchDriver => driver === "pglite" || driver === "postgres");

const log = (line: string) => (json ? console.error(line) : console.log(line));
const figures: BenchMetric[] = [];

log(
  `load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs (other processes inflate wall times)`,
);
for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
  const suite = await SUITES[name]();
  await suite({
    drivers,
    repeat: Number(process.env.BENCH_REPEAT ?? 3),
    log,
    report(metric) {
      const figure = { suite: name, ...metric };
      figures.push(figure);
      if (json) console.log(JSON.stringify(figure));
    },
  });
}

if (!json && figures.length > 0) {
  console.log("");
  console.table(
    figures.map((f) => ({
      suite: f.suite,
      driver: f.driver,
      metric: f.metric,
      value: Number(f.value.toFixed(f.value < 10 ? 2 : 1)),
      unit: f.unit,
    })),
  );
}
process.exit(0);
