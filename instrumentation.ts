// Next.js calls register() once per server process. It checks the settings first: a malformed
// one stops the server with its name and what is wrong, before any page can fail on it. With
// no Inngest configured, it then starts the embedded executor in the background (never
// awaiting calls to our own routes: Next holds every request until register() resolves) and
// handles SIGTERM itself so the executor and PGlite close cleanly (run with
// NEXT_MANUAL_SIG_HANDLE=1; see the npm scripts).
export async function register() {
  // NEXT_RUNTIME is inlined by Next at build time (not configuration): the edge bundle
  // must not load the Node-only modules below.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { refuseInvalidSettings } = await import("./lib/settings-check");
  refuseInvalidSettings();
  try {
    const { startEmbedded } = await import("./inngest/functions/embedded-start");
    startEmbedded();
  } catch (error) {
    // An error thrown here would kill the server; the app still serves without runs.
    console.error("[runs] could not start the embedded executor", error);
  }
}
