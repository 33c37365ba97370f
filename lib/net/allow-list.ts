// The operator's HTTP_ALLOWLIST: private or loopback destinations a workflow may reach anyway,
// each optionally limited to one port. Entries, comma- or space-separated:
//   host            localhost, api.internal.example
//   *.suffix        *.internal.example (any name ending in .internal.example)
//   address         127.0.0.1, ::1, [::1]
//   network         10.0.0.0/8, fd00::/8, [fd00::/8]
// and the same with a port: `localhost:8080`, `*.internal.example:443`, `127.0.0.1:9000`,
// `[::1]:9000`, `10.0.0.0/8:443`, `[fd00::/8]:8443`. An IPv6 address or network takes a port
// only inside brackets, so `::1:8080` can never be misread. Without a port, any port.
import { BlockList, isIP } from "node:net";
import { embeddedIpv4 } from "./addresses";

/** What the allow-list says about one destination (ports only from entries with one). */
export interface AllowListMatch {
  /** An entry without a port lists this host or address. */
  anyPort: boolean;
  /** Ports of entries with a port that list this host or address, ascending. */
  ports: number[];
}

export interface AllowList {
  /** The entries as written (trimmed, lower-cased). */
  readonly entries: readonly string[];
  /**
   * True when an entry lists `hostname` (as written in the URL) or `address` (resolved) and
   * has no port or `port`.
   */
  permits(hostname: string, address: string, port: number): boolean;
  /** Which entries list `hostname` or `address`, for messages ("only on port 8080"). */
  match(hostname: string, address: string): AllowListMatch;
}

/** A malformed entry: `problems` has one line per bad entry, each naming it. */
export class AllowListError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join("; "));
    this.name = "AllowListError";
    this.problems = problems;
  }
}

type Rule = { entry: string; port?: number } & (
  | { kind: "host"; host: string }
  | { kind: "suffix"; suffix: string }
  | { kind: "network"; list: BlockList }
);

const HOST_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/;

function parsePort(text: string): number | string {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    return `the port "${text}" is not a number from 1 to 65535`;
  }
  return port;
}

function network(ip: string, prefixText: string | undefined): BlockList | string {
  const family = isIP(ip);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefixText !== undefined && (!/^\d{1,3}$/.test(prefixText) || prefix > max)) {
    return `the prefix length "/${prefixText}" is invalid (0 to ${max} for an IPv${family} network)`;
  }
  const list = new BlockList();
  list.addSubnet(ip, prefix, family === 4 ? "ipv4" : "ipv6");
  return list;
}

/** One entry as a rule, or what is wrong with it. */
function parseEntry(entry: string): Rule | string {
  if (entry.includes("://")) return "write the host (and :port) alone, not a URL";
  let target = entry;
  let portText: string | undefined;
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close === -1) return "the opening [ has no closing ]";
    target = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest.startsWith("/")) {
      const [prefix, port] = rest.slice(1).split(":");
      return `write the prefix length inside the brackets: [${target}/${prefix}]${port === undefined ? "" : `:${port}`}`;
    }
    if (rest !== "") {
      if (!rest.startsWith(":")) return `unexpected "${rest}" after ]`;
      portText = rest.slice(1);
    }
    if (isIP(target.split("/")[0]) !== 6) {
      return "brackets hold an IPv6 address or network only, e.g. [::1] or [fd00::/8]";
    }
  } else if (isIP(entry.split("/")[0]) === 6) {
    // A bare IPv6 address or network: it cannot carry a port (its colons would make it
    // ambiguous), so a colon after the prefix length is the one mistake to explain.
    const [ip, prefixText] = entry.split("/");
    if (prefixText?.includes(":")) {
      const [prefix, port] = prefixText.split(":");
      return `an IPv6 network with a port is written in brackets: [${ip}/${prefix}]:${port}`;
    }
  } else {
    const colon = entry.lastIndexOf(":");
    if (colon !== -1) {
      target = entry.slice(0, colon);
      portText = entry.slice(colon + 1);
      if (target.includes(":")) {
        return "an IPv6 address with a port is written in brackets, e.g. [::1]:8080";
      }
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    const parsed = parsePort(portText);
    if (typeof parsed === "string") return parsed;
    port = parsed;
  }

  const [ip, prefixText, extra] = target.split("/");
  if (isIP(ip) !== 0) {
    if (extra !== undefined) return "a network has one prefix length";
    const list = network(ip, prefixText);
    return typeof list === "string" ? list : { entry, port, kind: "network", list };
  }
  if (prefixText !== undefined) return `"${ip}" before the / is not an IP address`;
  if (/^[\d.]+$/.test(target)) return `"${target}" is not a valid IPv4 address`;
  if (target.startsWith("*.")) {
    const suffix = target.slice(2);
    if (!HOST_NAME.test(suffix)) return `"${suffix}" after *. is not a host name`;
    return { entry, port, kind: "suffix", suffix: `.${suffix.replace(/\.$/, "")}` };
  }
  if (HOST_NAME.test(target)) return { entry, port, kind: "host", host: target.replace(/\.$/, "") };
  return "it is not a host name, *.suffix, IP address or CIDR network (each with an optional :port)";
}

function bare(hostOrAddress: string): string {
  return hostOrAddress
    .toLowerCase()
    .replace(/%.*$/, "")
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
}

function listsAddress(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (list.check(address, family === 4 ? "ipv4" : "ipv6")) return true;
  const inner = family === 6 ? embeddedIpv4(address) : undefined;
  return inner !== undefined && list.check(inner, "ipv4");
}

/**
 * Parses `HTTP_ALLOWLIST`-style entries (see the top of this file). Throws an
 * `AllowListError` naming every malformed entry and what is wrong with it.
 */
export function parseAllowList(entries: readonly string[] | string | undefined): AllowList {
  const list =
    typeof entries === "string"
      ? entries.split(/[\s,]+/)
      : entries
        ? [...entries]
        : ([] as string[]);
  const cleaned = list.map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const rules: Rule[] = [];
  const problems: string[] = [];
  for (const entry of cleaned) {
    const rule = parseEntry(entry);
    if (typeof rule === "string") problems.push(`entry "${entry}": ${rule}`);
    else rules.push(rule);
  }
  if (problems.length > 0) throw new AllowListError(problems);

  const match = (hostname: string, address: string): AllowListMatch => {
    const host = bare(hostname);
    const ip = bare(address);
    const listed = rules.filter((rule) =>
      rule.kind === "host"
        ? rule.host === host
        : rule.kind === "suffix"
          ? host.endsWith(rule.suffix)
          : listsAddress(rule.list, ip),
    );
    const ports = listed.flatMap((rule) => (rule.port === undefined ? [] : [rule.port]));
    return {
      anyPort: listed.some((rule) => rule.port === undefined),
      ports: [...new Set(ports)].sort((a, b) => a - b),
    };
  };
  return {
    entries: cleaned,
    match,
    permits(hostname, address, port) {
      const found = match(hostname, address);
      return found.anyPort || found.ports.includes(port);
    },
  };
}
