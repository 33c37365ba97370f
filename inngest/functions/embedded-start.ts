// Hosting the embedded executor inside the Next.js server (called from instrumentation.ts):
// start it in the background when no Inngest is configured (retrying until it runs), and shut
// down cleanly on SIGTERM.
import { startEmbeddedEngine } from "@/inngest/local/embedded";
import { getDbHandle } from "@/lib/db";
import { env } from "@/lib/env";
import { usesEmbeddedExecutor } from "../client";
import { embeddedEngineKeys } from "../keys";

const globalForShutdown = globalThis as unknown as { flowchatShutdownHooked?: boolean };

export function startEmbedded(): void {
  const config = env();
  let stopEngine: (() => Promise<void>) | undefined;
  if (usesEmbeddedExecutor(config)) {
    // Opens the database itself, retrying with backoff: a crashed predecessor's lock or a
    // database still starting must not leave the app without an engine (/api/health says so).
    const embedded = startEmbeddedEngine({
      handle: getDbHandle,
      appUrl: `http://127.0.0.1:${config.PORT}/api/inngest`,
      port: config.INNGEST_EMBEDDED_PORT,
      retention: { keepMs: config.INNGEST_EMBEDDED_RETENTION_DAYS * 86_400_000 },
      ...embeddedEngineKeys(config),
    });
    stopEngine = () => embedded.stop();
  }
  if (globalForShutdown.flowchatShutdownHooked) return;
  globalForShutdown.flowchatShutdownHooked = true;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(0), 5000);
    try {
      await stopEngine?.();
      const open = (globalThis as { flowchatDb?: Promise<{ close(): Promise<void> }> }).flowchatDb;
      if (open) await (await open).close();
    } catch (error) {
      console.error(`[runs] error while shutting down on ${signal}`, error);
    } finally {
      clearTimeout(timer);
      process.exit(0);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
