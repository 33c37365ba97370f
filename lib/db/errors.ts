// Database errors never leave the server with their SQL or parameters: drizzle's
// "Failed query: … params: …" carries the values bound to a statement (an encrypted secret's
// plaintext on its way into a step record, an email), and PostgreSQL's own messages and
// details can quote a value too. What may be shown or logged is the SQLSTATE and its name.

const SQLSTATE_NAMES: Record<string, string> = {
  "08000": "connection exception",
  "08003": "connection does not exist",
  "08006": "connection failure",
  "22001": "value too long",
  "22003": "numeric value out of range",
  "22021": "invalid byte sequence",
  "22P02": "invalid text representation",
  "22P05": "untranslatable character",
  "23502": "not-null violation",
  "23503": "foreign key violation",
  "23505": "unique violation",
  "23514": "check violation",
  "40001": "serialization failure",
  "40P01": "deadlock detected",
  "53300": "too many connections",
  "57014": "query cancelled",
  "57P01": "server shutting down",
};

/** SQLSTATE classes worth another attempt: connections, contention, shutdowns. */
const TRANSIENT_CLASSES = ["08", "40", "53", "57"];

/** What a database failure is allowed to say: its SQLSTATE, never SQL or values. */
export class DatabaseOperationError extends Error {
  readonly code: string | undefined;
  readonly retriable: boolean;

  constructor(code: string | undefined) {
    const name = code ? SQLSTATE_NAMES[code] : undefined;
    super(
      `A database operation failed${code ? ` (SQLSTATE ${code}${name ? `, ${name}` : ""})` : ""}.`,
    );
    this.name = "DatabaseOperationError";
    this.code = code;
    this.retriable = code === undefined || TRANSIENT_CLASSES.includes(code.slice(0, 2));
  }
}

type Candidate = {
  name?: unknown;
  code?: unknown;
  severity?: unknown;
  query?: unknown;
  params?: unknown;
  cause?: unknown;
};

function sqlState(error: Candidate): string | undefined {
  return typeof error.code === "string" && /^[0-9A-Z]{5}$/.test(error.code)
    ? error.code
    : undefined;
}

function looksLikeDatabaseError(error: Candidate): boolean {
  if (error.name === "DrizzleQueryError" || error.name === "PostgresError") return true;
  if (typeof error.query === "string" && "params" in error) return true;
  // postgres-js and PGlite both carry PostgreSQL's severity and SQLSTATE.
  return typeof error.severity === "string" && sqlState(error) !== undefined;
}

/**
 * The database error in `error` or its cause chain, as a safe DatabaseOperationError;
 * undefined when the error did not come from the database.
 */
export function asDatabaseError(error: unknown): DatabaseOperationError | undefined {
  if (error instanceof DatabaseOperationError) return error;
  let current: unknown = error;
  let found = false;
  let code: string | undefined;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    const candidate = current as Candidate;
    if (looksLikeDatabaseError(candidate)) {
      found = true;
      code ??= sqlState(candidate);
    }
    current = candidate.cause;
  }
  return found ? new DatabaseOperationError(code) : undefined;
}

/** The error itself, or its safe stand-in when it came from the database. */
export function withoutDatabaseDetails(error: unknown): unknown {
  return asDatabaseError(error) ?? error;
}
