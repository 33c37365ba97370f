// A small cookie jar for driving Auth.js's route handlers the way a browser would.
import { NextRequest } from "next/server";

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes the Set-Cookie headers of a response (an expired or emptied cookie is removed). */
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  copy() {
    const jar = new CookieJar();
    for (const [name, value] of this.cookies) jar.cookies.set(name, value);
    return jar;
  }

  has(name: string) {
    return this.cookies.has(name);
  }
}

export const BASE = "http://app.test";

export function request(
  jar: CookieJar,
  path: string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  return new NextRequest(`${BASE}${path}`, {
    method: init.method ?? (init.form ? "POST" : "GET"),
    headers: {
      cookie: jar.header(),
      ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      ...init.headers,
    },
    body: init.form ? new URLSearchParams(init.form) : undefined,
  });
}
