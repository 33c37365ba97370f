// Entry point of `npm run plan -- <command> …`. Subcommands live in their own modules and
// are registered in `commands`; the dispatcher only parses the command name. It sits beside
// the engine, above lib/: `run` composes the engine with the app's functions.
import { type CliCommand, type CliIo, EXIT, UsageError } from "./command";
import { rerunCommand } from "./rerun-command";
import { runCommand } from "./run-command";
import { testCommand } from "./test-command";
import { validateCommand } from "./validate-command";

export const commands: readonly CliCommand[] = [
  validateCommand,
  runCommand,
  testCommand,
  rerunCommand,
];

export function usageText(list: readonly CliCommand[] = commands): string {
  const width = Math.max(...list.map((command) => command.usage.length));
  return [
    "Usage: npm run plan -- <command> [options]",
    "",
    "Commands:",
    ...list.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    ...list.flatMap((command) => (command.help ?? []).map((line) => `  ${line}`)),
    "",
    "Exit codes: 0 success, 1 invalid plan, unreadable file or a (test) run that fails, 2 usage error.",
  ].join("\n");
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(usageText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr(`unknown command "${name}"\n\n${usageText()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(usageText([command]));
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${usageText([command])}`);
      return EXIT.usage;
    }
    io.stderr(`plan ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

const isEntryPoint = process.argv[1]?.replace(/\\/g, "/").endsWith("inngest/cli/plan.ts");
if (isEntryPoint) {
  main(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
