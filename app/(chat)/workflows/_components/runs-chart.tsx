"use client";

// Runs per day as stacked bars (succeeded, failed, other), drawn with visx: pure SVG from
// props, so the server renders the whole chart and the browser hydrates the same markup.
// The SVG scales to its box (viewBox); colours come from Tailwind classes, light and dark.
import { AxisBottom, AxisLeft } from "@visx/axis";
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

const WIDTH = 640;
const HEIGHT = 200;
const MARGIN = { top: 8, right: 8, bottom: 28, left: 36 };

export function RunsChart({ perDay }: { perDay: DayCount[] }) {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = Math.max(1, ...perDay.map((d) => d.succeeded + d.failed + d.other));
  const x = scaleBand({
    domain: perDay.map((d) => d.day),
    range: [0, innerWidth],
    padding: 0.25,
  });
  const y = scaleLinear({ domain: [0, max], range: [innerHeight, 0], nice: true });
  // One label per few days so they never collide, whatever the window.
  const every = Math.ceil(perDay.length / 8);
  const total = perDay.reduce((sum, d) => sum + d.succeeded + d.failed + d.other, 0);
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      className="h-auto w-full text-zinc-500 dark:text-zinc-400"
      role="img"
      aria-label={`Runs per day: ${total} runs over ${perDay.length} days`}
      data-testid="runs-chart"
    >
      <Group left={MARGIN.left} top={MARGIN.top}>
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
                    x={bar.x}
                    y={bar.y}
                    width={bar.width}
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
          numTicks={Math.min(4, max)}
          tickFormat={(value) => String(value)}
          stroke="currentColor"
          tickStroke="currentColor"
          hideAxisLine
          tickLabelProps={{ fill: "currentColor", fontSize: 12, dx: -2 }}
        />
        <AxisBottom
          top={innerHeight}
          scale={x}
          tickValues={perDay.filter((_, i) => i % every === 0).map((d) => d.day)}
          tickFormat={(day) => formatDay(day)}
          stroke="currentColor"
          tickStroke="currentColor"
          tickLabelProps={{ fill: "currentColor", fontSize: 12 }}
        />
      </Group>
    </svg>
  );
}
