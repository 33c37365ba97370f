// The browser-facing security policy of every response (proxy.ts applies it): a nonce-based
// Content-Security-Policy, the headers that stop framing, sniffing and referrer leaks, HSTS
// behind https, and the Origin check that refuses state-changing requests from other sites
// (or another port of the same host).

/** Routes whose credential is a token in the URL or a signature, called by other systems. */
const TOKEN_ROUTES = [/^\/api\/inngest(\/|$)/, /^\/api\/hooks\//, /^\/api\/resume\//];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function contentSecurityPolicy({
  nonce,
  development,
  https,
}: {
  nonce: string;
  development: boolean;
  https: boolean;
}): string {
  const directives = [
    "default-src 'self'",
    // Next's bootstrap scripts carry the nonce; 'strict-dynamic' lets them load the chunks.
    // React needs eval only for its development tooling.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // React renders style attributes (and the step graph positions its nodes with them).
    "style-src 'self' 'unsafe-inline'",
    // No remote images: a message cannot leak data through an image URL.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${development ? " ws: wss:" : ""}`,
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Headers every response carries (the CSP comes on top, per request). */
export function securityHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

export type OriginCheckInput = {
  method: string;
  pathname: string;
  /** Request headers (Origin, Host, X-Forwarded-Host, Sec-Fetch-Site). */
  headers: Headers;
  /** APP_URL, when the app is served under a public name. */
  appUrl?: string;
};

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why a state-changing request must be refused as coming from another origin, or undefined
 * when it may go on. Browsers send Origin with every POST, PUT, PATCH and DELETE; a request
 * without it (curl, a server) is judged by Sec-Fetch-Site when present. Token and signature
 * routes are for other systems and carry their own credential.
 */
export function foreignOriginReason(input: OriginCheckInput): string | undefined {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return undefined;
  if (TOKEN_ROUTES.some((route) => route.test(input.pathname))) return undefined;
  return crossSiteReason(input);
}

/**
 * Why a request a browser sent comes from another site (its Origin, else its Sec-Fetch-Site),
 * or undefined for a same-origin one and for one no browser sent (no Origin, no Sec-Fetch-Site).
 * Token routes use it where a token alone is not enough: an approval is decided on the link's
 * own page or by an API client, never by another site's page.
 */
export function crossSiteReason(input: Pick<OriginCheckInput, "headers" | "appUrl">) {
  const origin = input.headers.get("origin");
  if (!origin || origin === "null") {
    const site = input.headers.get("sec-fetch-site");
    if (origin === "null" || (site && site !== "same-origin" && site !== "none")) {
      return "This request came from another site.";
    }
    return undefined;
  }
  const from = hostOf(origin);
  const allowed = new Set(
    [
      input.headers.get("host"),
      ...(input.headers.get("x-forwarded-host") ?? "").split(","),
      input.appUrl ? hostOf(input.appUrl) : undefined,
    ]
      .map((value) => value?.trim().toLowerCase())
      .filter((value): value is string => Boolean(value)),
  );
  return from && allowed.has(from) ? undefined : "This request came from another origin.";
}
