// The shape of a `plan` CLI subcommand: commands write through `io` and return an exit
// code, so tests can run them in-process and the entry point stays a thin dispatcher.

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line, e.g. "validate <file.json> [--secrets A,B]". */
  usage: string;
  summary: string;
  /** Extra lines for --help (options, exit codes). */
  help?: readonly string[];
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
