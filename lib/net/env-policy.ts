// The network policy the app runs with, from env: HTTP_ALLOWLIST, HTTP_MAX_RESPONSE_BYTES, and
// the ports no step may call on a local address (the app's own, the workflow engine's).
import { isIP } from "node:net";
import { hostname as machineName } from "node:os";
import { type Env, env } from "@/lib/env";
import {
  createNetworkPolicy,
  interfaceAddresses,
  localKind,
  type NetworkPolicy,
  type ProtectedPort,
  portOf,
} from "./policy";

const APP = "this app's own port";
const ENGINE = "the workflow engine's port";

/**
 * True when a URL from env names this machine or a local network address. The machine's own
 * addresses are listed only for a URL that names an IP address (listing them is a system call).
 */
function isLocalUrl(url: URL, ownAddresses: () => readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === machineName().toLowerCase()) return true;
  return isIP(host) !== 0 && localKind(host, ownAddresses()) !== undefined;
}

function localUrlPort(text: string | undefined, ownAddresses: () => readonly string[]) {
  if (!text) return undefined;
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:" && !url.port) return undefined;
  return isLocalUrl(url, ownAddresses) ? portOf(url) : undefined;
}

/**
 * The app's port (PORT), the embedded engine's (INNGEST_EMBEDDED_PORT), the Dev Server's with
 * INNGEST_DEV and no base URL, and the ports of APP_URL and INNGEST_BASE_URL when those point
 * at this machine or a local address (a public APP_URL's 443 is someone else's business).
 */
export function protectedPortsFromEnv(
  config: Env,
  ownAddresses?: readonly string[],
): ProtectedPort[] {
  let listed = ownAddresses;
  const own = () => {
    listed ??= interfaceAddresses();
    return listed;
  };
  const candidates: (ProtectedPort | undefined)[] = [
    { port: config.PORT, name: APP },
    { port: config.INNGEST_EMBEDDED_PORT, name: ENGINE },
    config.INNGEST_DEV && !config.INNGEST_BASE_URL ? { port: 8288, name: ENGINE } : undefined,
  ];
  const appPort = localUrlPort(config.APP_URL, own);
  if (appPort !== undefined) candidates.push({ port: appPort, name: APP });
  const enginePort = localUrlPort(config.INNGEST_BASE_URL, own);
  if (enginePort !== undefined) candidates.push({ port: enginePort, name: ENGINE });
  const byPort = new Map<number, ProtectedPort>();
  for (const entry of candidates) {
    if (entry && !byPort.has(entry.port)) byPort.set(entry.port, entry);
  }
  return [...byPort.values()];
}

const policies = new WeakMap<Env, NetworkPolicy>();

/**
 * The policy of a parsed env, made once per env (every unit of every run asks for it; the
 * addresses of this machine are still listed at each request's check, see policy.ts).
 */
export function networkPolicyFromEnv(config: Env = env()): NetworkPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = createNetworkPolicy({
      allow: config.HTTP_ALLOWLIST,
      maxResponseBytes: config.HTTP_MAX_RESPONSE_BYTES,
      protectedPorts: protectedPortsFromEnv(config),
    });
    policies.set(config, policy);
  }
  return policy;
}
