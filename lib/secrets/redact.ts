// Replaces secret values with `[secret:NAME]` in text and JSON-like values: the raw value and
// the forms it commonly travels in (URL-encoded, JSON-escaped, base64 and base64url, also
// inside a longer base64 string such as a Basic auth header).

/**
 * Encoded forms shorter than this are not looked for (they would match ordinary text
 * everywhere). The value itself is always redacted, whatever its length; the store refuses
 * values shorter than MIN_SECRET_VALUE_CHARS so that this never has to mangle text.
 */
export const MIN_REDACTED_LENGTH = 4;
/** Base64 fragments shorter than this are not used (too likely to occur by chance). */
const MIN_FRAGMENT_LENGTH = 8;

export function secretMarker(name: string): string {
  return `[secret:${name}]`;
}

export interface Redactor {
  /** True when there is at least one secret value to look for. */
  readonly active: boolean;
  text(value: string): string;
  /** A copy of a JSON-like value (strings, arrays, plain objects, keys too) with secrets replaced. */
  value<T>(value: T): T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The base64 text of `value` wherever it sits in a longer base64 string: for each of the
 * three byte alignments, the characters that depend only on the value's bytes.
 */
function base64Fragments(value: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), value]);
    let encoded = padded.toString("base64").replace(/=+$/, "");
    // Leading characters that mix in the padding bytes, trailing ones that mix in what follows.
    encoded = encoded.slice(offset === 0 ? 0 : offset === 1 ? 2 : 3);
    if (padded.length % 3 !== 0) encoded = encoded.slice(0, -1);
    if (encoded.length >= MIN_FRAGMENT_LENGTH) out.push(encoded);
  }
  return out;
}

function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms = new Set<string>([value]);
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams({ x: value }).toString().slice(2));
  forms.add(JSON.stringify(value).slice(1, -1));
  forms.add(bytes.toString("base64"));
  forms.add(bytes.toString("base64url"));
  for (const fragment of base64Fragments(bytes)) {
    forms.add(fragment);
    forms.add(fragment.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms].filter((form) => form === value || form.length >= MIN_REDACTED_LENGTH);
}

export function createRedactor(secrets: Record<string, string> | Map<string, string>): Redactor {
  const entries = secrets instanceof Map ? [...secrets.entries()] : Object.entries(secrets);
  const byForm = new Map<string, string>();
  for (const [name, value] of entries) {
    if (typeof value !== "string" || value.length === 0) continue;
    for (const form of formsOf(value)) if (!byForm.has(form)) byForm.set(form, name);
  }
  if (byForm.size === 0) return noRedaction;
  // Longest first, so a secret that contains another is replaced whole.
  const forms = [...byForm.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(forms.map(escapeRegExp).join("|"), "g");
  const text = (value: string) =>
    value.replace(pattern, (match) => secretMarker(byForm.get(match) ?? "?"));

  const walk = (value: unknown, seen: WeakMap<object, unknown>): unknown => {
    if (typeof value === "string") return text(value);
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return seen.get(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      seen.set(value, out);
      for (const item of value) out.push(walk(item, seen));
      return out;
    }
    if (value instanceof Error) {
      const copy = new Error(text(value.message));
      copy.name = value.name;
      if (value.stack) copy.stack = text(value.stack);
      return copy;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [key, child] of Object.entries(value)) out[text(key)] = walk(child, seen);
    return out;
  };

  return {
    active: true,
    text,
    value: <T>(value: T) => walk(value, new WeakMap()) as T,
  };
}

export const noRedaction: Redactor = {
  active: false,
  text: (value) => value,
  value: (value) => value,
};
