// The network policy the app runs with, from env (HTTP_ALLOWLIST, HTTP_MAX_RESPONSE_BYTES).
import { type Env, env } from "@/lib/env";
import { createNetworkPolicy, type NetworkPolicy } from "./policy";

export function networkPolicyFromEnv(config: Env = env()): NetworkPolicy {
  return createNetworkPolicy({
    allow: config.HTTP_ALLOWLIST,
    maxResponseBytes: config.HTTP_MAX_RESPONSE_BYTES,
  });
}
