"use client";

// Runs per day as stacked bars (succeeded, failed, other), drawn with visx: pure SVG from
// props, so the server renders the whole chart and the browser hydrates the same markup.
// Three drawings for three widths (CSS picks one), so labels keep a readable size without
// measuring the box in the browser. Colours come from Tailwind classes, light and dark.
import { AxisBottom, AxisLeft } from "@visx/axis";
import { GridRows } from "@visx/grid";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar, BarStack } from "@visx/shape";
import type { DayCount } from "@/lib/workflows/history-types";
import { formatDay } from "@/lib/workflows/when";

type Key = "succeeded" | "failed" | "other";
const KEYS: Key[] = ["succeeded", "failed", "other"];

export const seriesClass: Record<Key, string> = {
  succeeded: "fill-emerald-500 dark:fill-emerald-400",
  failed: "fill-red-500 dark:fill-red-400",
  other: "fill-zinc-300 dark:fill-zinc-600",
};

const SIZES = [
  { width: 360, height: 180, labels: 4, className: "sm:hidden" },
  { width: 640, height: 200, labels: 8, className: "hidden sm:block lg:hidden" },
  { width: 960, height: 220, labels: 10, className: "hidden lg:block" },
] as const;
/** Bars stay slim when a short window leaves few of them. */
const BAR_MAX = 48;
const MARGIN = { top: 10, right: 4, bottom: 24, left: 32 };

const total = (d: DayCount) => d.succeeded + d.failed + d.other;

function Drawing({
  perDay,
  width,
  height,
  labels,
  className,
}: {
  perDay: DayCount[];
  width: number;
  height: number;
  labels: number;
  className: string;
}) {
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...perDay.map(total));
  const x = scaleBand({ domain: perDay.map((d) => d.day), range: [0, innerWidth], padding: 0.3 });
  const y = scaleLinear({ domain: [0, max], range: [innerHeight, 0], nice: true });
  const ticks = y.ticks(Math.min(4, max)).filter(Number.isInteger);
  // Every n-th day labelled so labels never collide, the newest always.
  const every = Math.ceil(perDay.length / labels);
  const labelled = perDay.filter((_, i) => (perDay.length - 1 - i) % every === 0).map((d) => d.day);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className={`h-auto w-full text-zinc-500 dark:text-zinc-400 ${className}`}
      aria-hidden="true"
    >
      <Group left={MARGIN.left} top={MARGIN.top}>
        <Group className="text-zinc-200 dark:text-zinc-800">
          <GridRows
            scale={y}
            width={innerWidth}
            tickValues={ticks}
            stroke="currentColor"
            strokeDasharray="2 3"
          />
        </Group>
        <BarStack<DayCount, Key>
          data={perDay}
          keys={KEYS}
          x={(d) => d.day}
          xScale={x}
          yScale={y}
          color={() => ""}
        >
          {(stacks) =>
            stacks.map((stack) =>
              stack.bars
                .filter((bar) => bar.height > 0)
                .map((bar) => (
                  <Bar
                    key={`${stack.key}-${bar.index}`}
                    x={bar.x + Math.max(0, bar.width - BAR_MAX) / 2}
                    y={bar.y}
                    width={Math.min(bar.width, BAR_MAX)}
                    height={bar.height}
                    className={seriesClass[stack.key]}
                    data-testid="runs-chart-bar"
                    data-series={stack.key}
                  >
                    <title>
                      {`${formatDay(bar.bar.data.day)}: ${bar.bar.data[stack.key]} ${stack.key}`}
                    </title>
                  </Bar>
                )),
            )
          }
        </BarStack>
        <AxisLeft
          scale={y}
          tickValues={ticks}
          tickFormat={(value) => String(value)}
          hideAxisLine
          hideTicks
          tickLabelProps={{ fill: "currentColor", fontSize: 11, dx: -4 }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          tickValues={labelled}
          tickFormat={(day) => formatDay(day)}
          hideTicks
          axisLineClassName="stroke-zinc-300 dark:stroke-zinc-700"
          tickLabelProps={{ fill: "currentColor", fontSize: 11 }}
        />
      </Group>
    </svg>
  );
}

export function RunsChart({ perDay }: { perDay: DayCount[] }) {
  const runs = perDay.reduce((sum, d) => sum + total(d), 0);
  const failed = perDay.reduce((sum, d) => sum + d.failed, 0);
  return (
    <div
      role="img"
      aria-label={`Runs per day: ${runs} runs over ${perDay.length} days, ${failed} failed`}
      data-testid="runs-chart"
    >
      {SIZES.map((size) => (
        <Drawing key={size.width} perDay={perDay} {...size} />
      ))}
    </div>
  );
}
