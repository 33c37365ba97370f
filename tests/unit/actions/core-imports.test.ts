// The domain core's import rules, read from the source: lib/plan and lib/actions reach nothing
// of the database, the model, the secrets store or Next (type-only imports are erased and do not
// count), and lib/mcp and lib/secrets do not import lib/actions.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");

function filesUnder(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(root, folder))) {
    const relative = path.posix.join(folder, name);
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...filesUnder(relative));
    else if (/\.tsx?$/.test(name)) out.push(relative);
  }
  return out;
}

/** Value imports of a file (static, re-exports, dynamic): specifiers, type-only ones left out. */
function valueImports(file: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  const specifiers: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s+"([^"]+)"/gm;
  for (const match of source.matchAll(statement)) {
    if (match[2]) continue;
    const names = /^\{([^}]*)\}$/.exec(match[3].trim())?.[1];
    const specified = names
      ?.split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    if (!specified?.every((name) => name.startsWith("type "))) specifiers.push(match[4]);
  }
  for (const match of source.matchAll(/^\s*import\s+"([^"]+)"/gm)) specifiers.push(match[1]);
  for (const match of source.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) specifiers.push(match[1]);
  return specifiers;
}

/** A specifier as a repository file (`lib/env.ts`), or undefined for a package. */
function resolveFile(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.join(path.posix.dirname(from), specifier);
  else return undefined;
  for (const candidate of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) {
    if (existsSync(path.join(root, candidate))) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

/** Every file and package the folder's files reach through value imports. */
function reach(folder: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = filesUnder(folder);
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of valueImports(file)) {
      const target = resolveFile(file, specifier);
      if (target) pending.push(target);
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

const APP_FOLDERS = ["lib/db/", "lib/ai/", "lib/runs/", "lib/auth/", "app/", "inngest/"];
const APP_FILES = ["lib/secrets/store.ts", "lib/secrets/plan-secrets.ts", "lib/mcp/client.ts"];
const APP_PACKAGES =
  /^(server-only|next|next-auth|drizzle-orm|postgres|@electric-sql\/pglite|@ai-sdk\/|@modelcontextprotocol\/)/;

describe("the domain core's imports", () => {
  for (const folder of ["lib/plan", "lib/actions"]) {
    it(`${folder} reaches no database, model, secrets store, MCP client or Next code`, () => {
      const { files, packages } = reach(folder);
      expect(
        [...files].filter(
          (file) =>
            APP_FOLDERS.some((prefix) => file.startsWith(prefix)) || APP_FILES.includes(file),
        ),
      ).toEqual([]);
      expect([...packages].filter((name) => APP_PACKAGES.test(name))).toEqual([]);
    });
  }

  it("lib/plan imports only zod, jsonata and croner besides itself", () => {
    const { files, packages } = reach("lib/plan");
    expect([...files].filter((file) => !file.startsWith("lib/plan/"))).toEqual([]);
    expect([...packages].sort()).toEqual(["croner", "jsonata", "zod"]);
  });

  it("lib/mcp and lib/secrets do not import lib/actions, not even its types", () => {
    for (const folder of ["lib/mcp", "lib/secrets"]) {
      const importers = filesUnder(folder).filter((file) =>
        readFileSync(path.join(root, file), "utf8").includes('"@/lib/actions'),
      );
      expect(importers).toEqual([]);
    }
  });
});
