// The dependency graph of a plan's steps (`after` edges): cycles, ancestors, order.

export interface GraphNode {
  id: string;
  after?: readonly string[];
}

/** Each cycle once, as the list of ids along it with the first repeated at the end. */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of byId.get(id)?.after ?? []) {
      if (!byId.has(dep)) continue;
      const depState = state.get(dep);
      if (depState === "visiting") {
        // Report the cycle in execution order (dependency first): a → b means b runs after a.
        const members = stack.slice(stack.indexOf(dep)).reverse();
        const key = [...members].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          const start = members.indexOf([...members].sort()[0]);
          const rotated = [...members.slice(start), ...members.slice(0, start)];
          cycles.push([...rotated, rotated[0]]);
        }
      } else if (depState === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const node of nodes) if (!state.has(node.id)) visit(node.id);
  return cycles;
}

/** Every step that must finish before `id` (transitively); safe on cyclic input. */
export function ancestorsOf(nodes: readonly GraphNode[], id: string): Set<string> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const out = new Set<string>();
  const queue = [...(byId.get(id)?.after ?? [])];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (out.has(next) || !byId.has(next)) continue;
    out.add(next);
    queue.push(...(byId.get(next)?.after ?? []));
  }
  return out;
}

/** Ids in an order where every step comes after its dependencies (input order breaks ties). */
export function topologicalOrder(nodes: readonly GraphNode[]): string[] {
  const ids = new Set(nodes.map((node) => node.id));
  const done = new Set<string>();
  const order: string[] = [];
  let progressed = true;
  while (progressed && order.length < nodes.length) {
    progressed = false;
    for (const node of nodes) {
      if (done.has(node.id)) continue;
      if ((node.after ?? []).every((dep) => !ids.has(dep) || done.has(dep))) {
        done.add(node.id);
        order.push(node.id);
        progressed = true;
      }
    }
  }
  // Cyclic leftovers keep their input order so callers still see every step.
  for (const node of nodes) if (!done.has(node.id)) order.push(node.id);
  return order;
}
