"use client";

// The plan's step graph: @xyflow/react with a dagre layout. Read-only (no dragging or
// connecting); clicking a step selects it so the card can show its details.
import "@xyflow/react/dist/style.css";
import {
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
} from "@xyflow/react";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { StepExplanation } from "@/lib/plan/explain";
import type { Plan, PlanStep } from "@/lib/plan/schema";
import { describeAction } from "@/lib/plan/summary";
import type { CardAction, CardEffect } from "@/lib/workflows/plan-card-types";
import { ActionMark } from "./action-mark";
import { EffectMark, showsEffect } from "./effect-mark";
import { layoutPlan, NODE_HEIGHT, NODE_WIDTH, TRIGGER_HEIGHT, TRIGGER_ID } from "./plan-layout";
import { stepBadges } from "./step-visuals";

type StepNodeData = {
  step: PlanStep;
  /** The step in words, from the server (it knows each action's phrasing). */
  phrase?: string;
  explanation?: StepExplanation;
  action?: CardAction;
  /** Its side-effect class (the plan card's; a run's graph has none). */
  effect?: CardEffect;
  onFailure: boolean;
  selected: boolean;
  /** A run's graph: the step's state, its colours and its name (n8n style). */
  state?: NodeState;
};
export type NodeState = { name: string; tone: string; label: string };
type TriggerNodeData = { label: string };
type StepNodeType = Node<StepNodeData, "step">;
type TriggerNodeType = Node<TriggerNodeData, "trigger">;

const handle = "!h-1.5 !w-1.5 !min-h-0 !min-w-0 !border-0 !bg-zinc-400";

const StepNode = memo(function StepNode({ data }: NodeProps<StepNodeType>) {
  const { step, phrase, explanation, action, effect, onFailure, selected, state } = data;
  const badges = stepBadges(step, action, onFailure, explanation);
  const withEffect = showsEffect(effect, action?.kind);
  return (
    <div
      data-testid={`plan-node-${step.id}`}
      data-state={state?.name}
      className={`flex h-full w-full cursor-pointer flex-col justify-center gap-0.5 rounded-lg border bg-white px-2.5 py-1.5 text-left shadow-sm dark:bg-zinc-900 ${
        selected
          ? "border-blue-500 ring-2 ring-blue-500/30"
          : state
            ? `border-2 ${state.tone}`
            : onFailure
              ? "border-dashed border-red-300 dark:border-red-800"
              : "border-zinc-300 dark:border-zinc-700"
      }`}
      title={phrase ?? describeAction(step)}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className={handle} />
      <div className="flex min-w-0 items-start gap-1.5 text-xs leading-4 font-medium">
        <span className="shrink-0">
          <ActionMark action={step.action} />
        </span>
        {/* Long titles wrap onto a second line rather than vanish into an ellipsis. */}
        <span className="line-clamp-2 [overflow-wrap:anywhere]">{step.title ?? step.id}</span>
      </div>
      <div className="truncate font-mono text-[10px] text-zinc-500 dark:text-zinc-400">
        {step.action}
      </div>
      {state ? (
        <div className="truncate text-[10px] font-medium">{state.label}</div>
      ) : badges.length > 0 || withEffect ? (
        <div className="flex gap-1 overflow-hidden">
          {withEffect ? <EffectMark effect={effect} compact /> : null}
          {badges.slice(0, withEffect ? 2 : 3).map((badge) => (
            <span
              key={badge.label}
              title={badge.title}
              className="shrink-0 rounded bg-zinc-100 px-1 text-[10px] leading-4 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300"
            >
              {badge.label}
            </span>
          ))}
        </div>
      ) : null}
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={handle} />
    </div>
  );
});

const TriggerNode = memo(function TriggerNode({ data }: NodeProps<TriggerNodeType>) {
  return (
    <div
      data-testid="plan-node-trigger"
      className="flex h-full w-full items-center gap-1.5 rounded-full border border-emerald-300 bg-emerald-50 px-3 text-xs text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
      title={data.label}
    >
      <span aria-hidden className="font-mono text-[9px] font-semibold uppercase">
        When
      </span>
      <span className="line-clamp-2">{data.label}</span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={handle} />
    </div>
  );
});

const nodeTypes = { step: StepNode, trigger: TriggerNode };

/**
 * Below this zoom step titles (12 px) and badges (10 px) stop being readable; a bigger graph
 * scrolls in its box instead of shrinking.
 */
const MIN_SCALE = 0.9;
const MAX_HEIGHT = 460;
const MIN_HEIGHT = 150;
const PAD = 12;

/**
 * The graph's box and zoom: the whole plan at up to 100 % when it fits the card's width and a
 * screenful of height; otherwise at least MIN_SCALE, with the rest reached by scrolling the box.
 */
function useGraphBox(graphWidth: number, graphHeight: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);
  // A graph wider than its box opens scrolled to its middle, where the trigger and the main
  // line of steps are, rather than to its left edge.
  const centred = useRef(false);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || width === null || centred.current) return;
    centred.current = true;
    element.scrollLeft = (element.scrollWidth - element.clientWidth) / 2;
  }, [width]);
  const available = width ?? 0;
  const fit = Math.min(1, (available - 2 * PAD) / graphWidth, (MAX_HEIGHT - 2 * PAD) / graphHeight);
  const scale = Math.max(fit, MIN_SCALE);
  const innerWidth = Math.max(available, graphWidth * scale + 2 * PAD);
  const innerHeight = Math.max(MIN_HEIGHT, graphHeight * scale + 2 * PAD);
  return {
    ref,
    ready: width !== null && width > 0,
    scale,
    innerWidth,
    innerHeight,
    height: Math.min(innerHeight, MAX_HEIGHT),
    // Centred when narrower than the box.
    viewport: { x: (innerWidth - graphWidth * scale) / 2, y: PAD, zoom: scale },
  };
}

export function PlanGraph({
  plan,
  phrases,
  explanations,
  actions,
  effects,
  trigger,
  selected,
  onSelect,
  states,
}: {
  plan: Plan;
  phrases: Record<string, string>;
  /** Conditions and loops in words, for the badges' titles. */
  explanations?: Record<string, StepExplanation>;
  actions: Record<string, CardAction>;
  /** Each step's side-effect class, by step id. */
  effects?: Record<string, CardEffect>;
  trigger: string;
  selected: string | null;
  onSelect: (stepId: string | null) => void;
  /** A run's graph colours each step by its state. */
  states?: Record<string, NodeState>;
}) {
  const layout = useMemo(() => layoutPlan(plan), [plan]);
  const nodes = useMemo<(StepNodeType | TriggerNodeType)[]>(
    () =>
      layout.nodes.map((node) =>
        node.kind === "trigger" || !node.step
          ? {
              id: TRIGGER_ID,
              type: "trigger",
              position: { x: node.x, y: node.y },
              width: NODE_WIDTH,
              height: TRIGGER_HEIGHT,
              data: { label: trigger },
              selectable: false,
              // Nothing happens on it: not a Tab stop (its words are in the card above).
              focusable: false,
            }
          : {
              id: node.id,
              type: "step",
              position: { x: node.x, y: node.y },
              width: NODE_WIDTH,
              height: NODE_HEIGHT,
              data: {
                step: node.step,
                phrase: phrases[node.step.id],
                explanation: explanations?.[node.step.id],
                action: actions[node.step.action],
                effect: effects?.[node.step.id],
                onFailure: Boolean(node.onFailure),
                selected: node.id === selected,
                state: states?.[node.step.id],
              },
              // A toggle (named by what it shows): Enter or Space shows the step's details
              // below the graph, Escape hides them; see onKeyDown.
              ariaRole: "button" as const,
              domAttributes: {
                "aria-expanded": node.id === selected,
                // The library calls every node a "node"; here it is a button like any other.
                "aria-roledescription": undefined,
              },
            },
      ),
    [layout, phrases, explanations, actions, effects, trigger, selected, states],
  );
  const edges = useMemo<Edge[]>(
    () =>
      layout.edges.map(({ otherwise, ...edge }) => ({
        ...edge,
        type: "smoothstep",
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
        ...(otherwise
          ? {
              label: "otherwise",
              labelStyle: { fontSize: 10 },
              labelBgPadding: [4, 2] as [number, number],
              style: { strokeDasharray: "4 3" },
            }
          : {}),
      })),
    [layout],
  );
  const box = useGraphBox(layout.width, layout.height);

  return (
    <div
      ref={box.ref}
      className="w-full overflow-auto overscroll-x-contain rounded-lg border border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950"
      style={{ height: box.height }}
      data-testid="plan-graph"
      data-scale={box.scale.toFixed(2)}
    >
      {box.ready ? (
        <div style={{ width: box.innerWidth, height: box.innerHeight }}>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            // The zoom is fixed (see useGraphBox): the box scrolls natively instead of the
            // graph panning, so a finger that scrolls the page is never caught by the graph.
            viewport={box.viewport}
            minZoom={MIN_SCALE}
            maxZoom={1}
            panOnDrag={false}
            panOnScroll={false}
            zoomOnScroll={false}
            zoomOnPinch={false}
            zoomOnDoubleClick={false}
            autoPanOnNodeFocus={false}
            preventScrolling={false}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            // Arrows between steps are not things to select: Tab goes from step to step.
            edgesFocusable={false}
            colorMode="system"
            // The library's own keys select a node in its store (Escape also takes focus away);
            // these steps are toggles whose selection lives in the card, so the keys are ours.
            disableKeyboardA11y
            onKeyDown={(event) => {
              const target = event.target as HTMLElement;
              const nodeId = target.closest<HTMLElement>(".react-flow__node")?.dataset.id;
              if (!nodeId || nodeId === TRIGGER_ID) return;
              if (event.key === "Enter" || event.key === " ") {
                event.preventDefault();
                onSelect(nodeId === selected ? null : nodeId);
              } else if (event.key === "Escape" && nodeId === selected) {
                event.preventDefault();
                onSelect(null);
              }
            }}
            onNodeClick={(_, node) =>
              onSelect(node.type === "step" ? (node.id === selected ? null : node.id) : null)
            }
            onPaneClick={() => onSelect(null)}
          />
        </div>
      ) : null}
    </div>
  );
}
