// `npm install`'s preinstall: stops on a Node.js older than 22 with what to do, the README's
// Node 24 recipe. Plain CommonJS with no dependencies and old syntax, so that any Node can run
// it. (.npmrc's engine-strict stops npm earlier still, with npm's own EBADENGINE error; this is
// the message for every way around that: --force, another package manager.)
// biome-ignore-all lint/style/useTemplate: old syntax on purpose, so that any Node can parse it
"use strict";

var MINIMUM = 22;

function nodePackage(platform, arch) {
  return "node-" + (platform === "win32" ? "win" : platform) + "-" + arch + "@24";
}

/** The message for a Node that is too old, or "" when this one will do. */
function problem(version, platform, arch) {
  var major = Number(String(version).replace(/^v/, "").split(".")[0]);
  if (major >= MINIMUM) return "";
  var pkg = nodePackage(platform, arch);
  var bin = platform === "win32" ? "" : "/bin";
  return [
    "Flowchat needs Node.js " +
      MINIMUM +
      " or newer (24 recommended); this is Node " +
      version +
      ".",
    'Node 24 ships as an npm package, so this npm can fetch it (README: "No Node 22 on your machine?"):',
    "",
    "  npm install --prefix ~/.flowchat-node " + pkg,
    '  export PATH="$HOME/.flowchat-node/node_modules/' + pkg.replace(/@24$/, "") + bin + ':$PATH"',
    "  node -v   # v24.x",
    "",
    "then run npm install again.",
  ].join("\n");
}

/** Prints the problem, if any; the exit code. */
function main(version, platform, arch) {
  var message = problem(version, platform, arch);
  if (!message) return 0;
  console.error(message);
  return 1;
}

module.exports = { problem: problem, main: main };

if (require.main === module) {
  process.exitCode = main(process.version, process.platform, process.arch);
}
