// Runs before every request (Next 16 "proxy"): refuses state-changing requests from other
// origins, and gives every response the security headers and a per-request CSP nonce (Next
// reads the nonce from the request's CSP header and puts it on its own scripts). Sessions and
// ownership are checked by each route and page itself, not here.
import { type NextRequest, NextResponse } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, foreignOriginReason, securityHeaders } from "@/lib/http/security";

function isHttps(request: NextRequest): boolean {
  return (
    request.nextUrl.protocol === "https:" ||
    request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https"
  );
}

export function proxy(request: NextRequest) {
  const config = env();
  const https = isHttps(request);
  const headers = securityHeaders({ https });
  const refused = foreignOriginReason({
    method: request.method,
    pathname: request.nextUrl.pathname,
    headers: request.headers,
    appUrl: config.APP_URL,
  });
  if (refused) {
    return NextResponse.json(
      { error: { code: "forbidden:api", message: refused } },
      { status: 403, headers },
    );
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy({
    nonce,
    development: config.NODE_ENV === "development",
    https,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but Next's own static files (they get the static headers from next.config).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
