// Where a person may be sent after signing in: a path on this site, nothing else. Browsers
// read "\" as "/", drop tabs and newlines, and some hops decode %2F and %5C, so "/\evil.com"
// or "/%5Cevil.com" can end up as "//evil.com" (another site). Anything doubtful becomes "/".
const BASE = "http://base.invalid";

/** `value` if it is a plain same-site path (with query and hash), otherwise `fallback`. */
export function safeRedirect(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  // Backslashes, control characters and whitespace never belong in our paths.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\\\s\u0000-\u001f\u007f]/.test(value)) return fallback;
  // Encoded slashes, backslashes, control characters and percents (double encoding): a later
  // decode could turn them back into what the checks above refuse.
  if (/%(2f|5c|25|[01][0-9a-f]|7f)/i.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? fallback : path;
}

/**
 * Auth.js's `redirect` callback: a same-origin URL or a safe path, resolved against the app's
 * origin; anything else goes home. (The default accepts any string starting with "/".)
 */
export function safeCallbackUrl(url: string, baseUrl: string): string {
  let path: unknown = url;
  if (!url.startsWith("/")) {
    let origin: string;
    try {
      origin = new URL(baseUrl).origin;
      if (new URL(url).origin !== origin) return `${baseUrl}/`;
    } catch {
      return `${baseUrl}/`;
    }
    // The text after the origin as written, before URL parsing could turn "\" into "/".
    path = url.slice(origin.length) || "/";
  }
  return `${baseUrl}${safeRedirect(path)}`;
}
