// The synced functions and how to reach their apps, kept in memory by the leader and
// reloaded from the database after every sync.
import type { AppTarget, FunctionDef } from "./interfaces";
import type { AppFetch } from "./protocol/call";

export class Registry {
  private current = new Map<string, FunctionDef>();
  private readonly fetchers = new Map<string, AppFetch>();

  constructor(private readonly targets: AppTarget[]) {}

  /** Replaced, never mutated, so readers holding the previous map see a consistent set. */
  get functions(): ReadonlyMap<string, FunctionDef> {
    return this.current;
  }

  setFunctions(functions: FunctionDef[]) {
    this.current = new Map(functions.map((fn) => [fn.id, fn]));
  }

  /** In-process handlers are matched by the origin and path of the function URL. */
  fetchFor(fn: FunctionDef): AppFetch {
    const cached = this.fetchers.get(fn.url);
    if (cached) return cached;
    const url = new URL(fn.url);
    const target = this.targets.find((t) => {
      const u = new URL(t.url);
      return u.origin === url.origin && u.pathname === url.pathname;
    });
    const fetcher = target?.fetch ?? ((req: Request) => fetch(req));
    this.fetchers.set(fn.url, fetcher);
    return fetcher;
  }

  addTarget(target: AppTarget) {
    if (!this.targets.some((t) => t.url === target.url)) this.targets.push(target);
    this.fetchers.clear();
  }

  targetFor(url: string): AppTarget | undefined {
    return this.targets.find((t) => t.url === url);
  }

  get appTargets(): readonly AppTarget[] {
    return this.targets;
  }
}
