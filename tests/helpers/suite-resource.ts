// A resource a test file or describe block shares (a fixture server, a harness): started
// before its tests, reset before each one, closed after them. The returned object stands for
// the resource once it has started, so tests use it like the real thing.
import { afterAll, beforeAll, beforeEach } from "vitest";

export function suiteResource<T extends object>(
  start: () => Promise<T>,
  hooks: { close: (resource: T) => Promise<unknown>; beforeEach?: (resource: T) => void },
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  if (hooks.beforeEach) {
    const reset = hooks.beforeEach;
    beforeEach(() => {
      if (current) reset(current);
    });
  }
  afterAll(async () => {
    if (current) await hooks.close(current);
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!current) throw new Error("A suite resource is used before its beforeAll hook ran");
      const value = Reflect.get(current, key, current);
      return typeof value === "function" ? value.bind(current) : value;
    },
  });
}
