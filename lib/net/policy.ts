// The outbound network policy: which destinations are allowed, how names resolve, and the
// limits every request obeys. Built from env for the app; tests build their own.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { blockedReason, embeddedIpv4 } from "./addresses";
import { type AllowList, parseAllowList } from "./allow-list";
import { AddressRefusedError, NetworkError } from "./errors";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (tests inject a fake one). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** A port of this app or its engine, refused on local addresses whatever the allow-list says. */
export interface ProtectedPort {
  port: number;
  /** What listens there, as the refusal names it: "the workflow engine's port". */
  name: string;
}

export interface NetworkPolicy {
  allow: AllowList;
  resolve: Resolver;
  /**
   * Refused on every local address (loopback, unspecified, private, link-local…, and this
   * machine's own addresses), even when the allow-list permits the address.
   */
  protectedPorts: readonly ProtectedPort[];
  /** This machine's own addresses, read at each check (interfaces come and go). */
  localAddresses: () => readonly string[];
  /** Redirects followed per request; each hop is checked again. */
  maxRedirects: number;
  /** Largest (decompressed) response body read, in bytes. */
  maxResponseBytes: number;
  /** Whole-request timeout when the caller gives none. */
  timeoutMs: number;
}

export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;

export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/** Every address of every network interface of this machine. */
export function interfaceAddresses(): string[] {
  try {
    return Object.values(networkInterfaces()).flatMap((list) =>
      (list ?? []).map((entry) => entry.address),
    );
  } catch {
    // Some sandboxes forbid listing interfaces; the ranges in addresses.ts still apply.
    return [];
  }
}

export function createNetworkPolicy(
  options: {
    allow?: readonly string[] | string;
    resolve?: Resolver;
    protectedPorts?: readonly ProtectedPort[];
    localAddresses?: () => readonly string[];
    maxRedirects?: number;
    maxResponseBytes?: number;
    timeoutMs?: number;
  } = {},
): NetworkPolicy {
  return {
    allow: parseAllowList(options.allow),
    resolve: options.resolve ?? systemResolver,
    protectedPorts: options.protectedPorts ?? [],
    localAddresses: options.localAddresses ?? interfaceAddresses,
    maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** "https://api.example.com" for messages: no path, query or credentials. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The port a URL connects to: its own, else 443 for https and 80 for http. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/**
 * Why `address` is this machine or its network ("loopback", "private"…, "an address of this
 * machine"), or undefined for any other public address.
 */
export function localKind(address: string, ownAddresses: readonly string[]): string | undefined {
  const bare = address.replace(/%.*$/, "").replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return undefined;
  const reason = blockedReason(bare);
  if (reason) return reason.replace(/ \(.*$/, "");
  const own = new BlockList();
  for (const candidate of ownAddresses) {
    const plain = candidate.replace(/%.*$/, "");
    const kind = isIP(plain);
    if (kind !== 0) own.addAddress(plain, kind === 4 ? "ipv4" : "ipv6");
  }
  const inner = family === 6 ? embeddedIpv4(bare) : undefined;
  const mine =
    own.check(bare, family === 4 ? "ipv4" : "ipv6") ||
    (inner !== undefined && own.check(inner, "ipv4"));
  return mine ? "an address of this machine" : undefined;
}

/**
 * Resolves the URL's host and checks every address it has. Returns the address to connect
 * to (the connection is pinned to it, so a second DNS answer cannot swap it); refuses when
 * any address is not public and the allow-list does not permit it, or when the URL's port is
 * one of the policy's protected ports on a local address.
 */
export async function checkDestination(url: URL, policy: NetworkPolicy): Promise<ResolvedAddress> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new AddressRefusedError(`Only http and https URLs are allowed, not ${url.protocol}`);
  }
  return checkHost(url.hostname, portOf(url), policy, originOf(url));
}

/** `checkDestination` for any TCP host and port (SMTP…); `label` names it in messages. */
export async function checkHost(
  host: string,
  port: number,
  policy: NetworkPolicy,
  label?: string,
): Promise<ResolvedAddress> {
  const hostname = host.replace(/^\[|\]$/g, "");
  label ??= hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
  const literal = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await policy.resolve(hostname);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // EAI_AGAIN is a temporary resolver failure; a name that does not exist stays so.
      throw new NetworkError("dns", `Could not resolve ${hostname}${code ? ` (${code})` : ""}`, {
        retriable: code === "EAI_AGAIN" || code === "ETIMEOUT",
        cause: error,
      });
    }
    if (addresses.length === 0) {
      throw new NetworkError("dns", `Could not resolve ${hostname}: no addresses`, {
        retriable: false,
      });
    }
  }
  const guarded = policy.protectedPorts.find((entry) => entry.port === port);
  const own = guarded ? policy.localAddresses() : [];
  for (const { address } of addresses) {
    const via = literal === 0 ? `${hostname} resolves to ${address}` : address;
    // Before the allow-list: listing 127.0.0.1 must never open the app's or the engine's
    // own API (another person's runs and data sit behind them).
    const local = guarded ? localKind(address, own) : undefined;
    if (guarded && local) {
      throw new AddressRefusedError(
        `Refused to connect to ${label}: port ${port} is ${guarded.name} (${via}, ${local}); ` +
          "steps may not call this app or its workflow engine, whatever HTTP_ALLOWLIST says.",
      );
    }
    const reason = blockedReason(address);
    if (reason && !policy.allow.permits(hostname, address, port)) {
      const { ports } = policy.allow.match(hostname, address);
      const hint =
        ports.length > 0
          ? `HTTP_ALLOWLIST permits it only on port${ports.length > 1 ? "s" : ""} ${ports.join(", ")}.`
          : "An operator can permit it with HTTP_ALLOWLIST.";
      throw new AddressRefusedError(
        `Refused to connect to ${label}: ${reason} addresses are not allowed` +
          `${literal === 0 ? ` (${via})` : ""}. ${hint}`,
      );
    }
  }
  return addresses[0];
}
