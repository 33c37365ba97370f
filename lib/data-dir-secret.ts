// Local secrets generated on first start and kept in DATA_DIR (mode 0600), so a fresh clone
// is secure with no configuration and keeps working across restarts. Two processes starting
// at once agree on one value: the file is created exclusively, the loser reads the winner's.
import fs from "node:fs";
import path from "node:path";

export function readOrCreateDataDirSecret(
  dataDir: string,
  name: string,
  generate: () => string,
): { value: string; file: string; created: boolean } {
  const file = path.resolve(dataDir, name);
  try {
    return { value: fs.readFileSync(file, "utf8").trim(), file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = generate();
  try {
    fs.writeFileSync(file, value, { flag: "wx", mode: 0o600 });
    return { value, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { value: fs.readFileSync(file, "utf8").trim(), file, created: false };
  }
}
