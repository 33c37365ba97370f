// Lays a plan out as a graph: the trigger on top, one node per step, edges for `after`
// (steps with no `after` hang off the trigger), positioned by dagre from top to bottom.
// onFailure steps are drawn beside the main graph, unconnected.
import dagre from "@dagrejs/dagre";
import { type Plan, type PlanStep, stepDependencies } from "@/lib/plan/schema";

export const NODE_WIDTH = 210;
/** Room for a title on two lines, the action and a row of badges. */
export const NODE_HEIGHT = 84;
/** The trigger is one line (two at most) in a pill. */
export const TRIGGER_HEIGHT = 44;
export const TRIGGER_ID = "__trigger";

export interface LaidOutNode {
  id: string;
  kind: "trigger" | "step";
  step?: PlanStep;
  onFailure?: boolean;
  x: number;
  y: number;
}

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  /** The edge from a step to its otherwise branch (`else`). */
  otherwise?: boolean;
}

export interface PlanLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
}

export function layoutPlan(plan: Plan): PlanLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));

  const ids = new Set(plan.steps.map((step) => step.id));
  const nodes: Omit<LaidOutNode, "x" | "y">[] = [{ id: TRIGGER_ID, kind: "trigger" }];
  for (const step of plan.steps) nodes.push({ id: step.id, kind: "step", step });
  for (const step of plan.onFailure ?? []) {
    // An onFailure id may repeat a main step's id only in an invalid plan; keep nodes unique.
    const id = ids.has(step.id) ? `${step.id}__onFailure` : step.id;
    nodes.push({ id, kind: "step", step, onFailure: true });
  }
  const heightOf = (id: string) => (id === TRIGGER_ID ? TRIGGER_HEIGHT : NODE_HEIGHT);
  for (const node of nodes)
    graph.setNode(node.id, { width: NODE_WIDTH, height: heightOf(node.id) });

  const edges: LaidOutEdge[] = [];
  for (const step of plan.steps) {
    const parents = stepDependencies(step).filter((id) => ids.has(id) && id !== step.id);
    for (const parent of parents.length > 0 ? parents : [TRIGGER_ID]) {
      const otherwise = parent === step.else;
      edges.push({
        id: `${parent}->${step.id}`,
        source: parent,
        target: step.id,
        ...(otherwise ? { otherwise } : {}),
      });
      graph.setEdge(parent, step.id);
    }
  }

  dagre.layout(graph);
  const laidOut = nodes.map((node) => {
    const { x, y } = graph.node(node.id);
    // dagre gives centres; the graph library wants top-left corners.
    return { ...node, x: x - NODE_WIDTH / 2, y: y - heightOf(node.id) / 2 };
  });
  const { width = NODE_WIDTH, height = NODE_HEIGHT } = graph.graph();
  return { nodes: laidOut, edges, width, height };
}
