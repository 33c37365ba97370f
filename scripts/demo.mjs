// `npm run demo`: the app with Flowchat's demo model, in one command and with no key. Starts the
// demo model (lib/demo-model, port DEMO_MODEL_PORT or 4010), then the app (`npm run dev`, port
// PORT or 3000) pointed at it, allowed to read the demo's sample data; stops both together.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const modelPort = Number(process.env.DEMO_MODEL_PORT ?? 4010);
const appPort = Number(process.env.PORT ?? 3000);
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(
    `Flowchat needs Node.js 22 or newer (this is ${process.version}); see the README's "No Node 22 on your machine?".`,
  );
  process.exit(1);
}

const modelUrl = `http://127.0.0.1:${modelPort}`;
const allow = [process.env.HTTP_ALLOWLIST, `127.0.0.1:${modelPort}`].filter(Boolean).join(",");
const children = [];

function start(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) console.log(`[${name}] ${line}`);
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[demo] ${name} stopped (${signal ?? `exit ${code}`}); stopping the other.`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once("exit", resolve);
        }),
    ),
  ).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

const model = start("model", process.execPath, [
  path.join(root, "node_modules/tsx/dist/cli.mjs"),
  path.join(root, "lib/demo-model/cli.ts"),
  "--port",
  String(modelPort),
]);

// The app starts once the model listens, so its first page already finds it.
await new Promise((resolve) => {
  const onData = (chunk) => {
    if (String(chunk).includes("OPENAI_BASE_URL=")) {
      model.stdout.off("data", onData);
      resolve();
    }
  };
  model.stdout.on("data", onData);
});

const npm = process.env.npm_execpath;
start("app", npm ? process.execPath : "npm", [...(npm ? [npm] : []), "run", "dev"], {
  PORT: String(appPort),
  OPENAI_BASE_URL: `${modelUrl}/v1`,
  OPENAI_MODEL: "flowchat-demo",
  OPENAI_API: "chat",
  HTTP_ALLOWLIST: allow,
});
console.log(
  `[demo] Open http://127.0.0.1:${appPort}, create an account and click an example: the demo model plans it (no key, no AI). Ctrl+C stops both.`,
);
