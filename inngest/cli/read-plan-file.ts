// Reads a plan file as JSON, with one-line errors for a missing file, one over the plan size
// limit (the same as the routes', checked before reading it) or broken JSON.
import { readFile, stat } from "node:fs/promises";
import { MAX_PLAN_BYTES } from "@/lib/plan/schema";

export type ReadResult = { ok: true; value: unknown } | { ok: false; message: string };

export async function readJsonFile(file: string): Promise<ReadResult> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_PLAN_BYTES) {
      return {
        ok: false,
        message: `${file} is ${Math.ceil(size / 1024)} KB; a plan may be at most ${MAX_PLAN_BYTES / 1024} KB of JSON`,
      };
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    return { ok: false, message: `cannot read ${file}: ${reason}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `${file} is not valid JSON: ${(error as Error).message}` };
  }
}
