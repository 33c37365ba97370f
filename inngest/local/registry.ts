// The synced functions and how to reach their apps, kept in memory by each engine and
// reloaded from the database after every sync.
//
// Several processes serving the same app on one database each sync it under their own URL,
// and the stored function URLs are those of whichever synced last. An engine calls its own
// copy of an app it synced itself (`setOwnCopy`), so the functions it executes never depend on
// another process being up; other apps are called at their stored URL.
import type { AppTarget, FunctionDef } from "./interfaces";
import type { AppFetch } from "./protocol/call";

export class Registry {
  private current = new Map<string, FunctionDef>();
  private readonly fetchers = new Map<string, AppFetch>();
  private readonly local = new Map<string, AppTarget>();

  constructor(private readonly targets: AppTarget[]) {}

  /** Replaced, never mutated, so readers holding the previous map see a consistent set. */
  get functions(): ReadonlyMap<string, FunctionDef> {
    return this.current;
  }

  setFunctions(functions: FunctionDef[]) {
    this.current = new Map(functions.map((fn) => [fn.id, fn]));
  }

  /** This engine syncs `target` itself and serves app `appId` there: call it for that app. */
  setOwnCopy(appId: string, target: AppTarget) {
    this.local.set(appId, target);
  }

  /** Where to call `fn`: this engine's own copy of its app when it has one, else its URL. */
  endpointFor(fn: FunctionDef): { url: string; fetch: AppFetch } {
    const local = this.local.get(fn.appId);
    if (!local) return { url: fn.url, fetch: this.fetchFor(fn) };
    const url = new URL(fn.url);
    const own = new URL(local.url);
    own.search = url.search;
    return { url: own.toString(), fetch: local.fetch ?? ((req: Request) => fetch(req)) };
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
