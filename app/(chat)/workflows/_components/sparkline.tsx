"use client";

// A workflow's last days in a glance: one small stacked bar per day (succeeded, failed,
// other), drawn with visx like the workflow page's chart, no axes.
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar, BarStack, Line } from "@visx/shape";
import type { DayCount } from "@/lib/workflows/history-types";
import { seriesClass } from "./runs-chart";

type Key = "succeeded" | "failed" | "other";
const KEYS: Key[] = ["succeeded", "failed", "other"];
const WIDTH = 96;
const HEIGHT = 24;

export function Sparkline({ perDay, label }: { perDay: DayCount[]; label: string }) {
  const max = Math.max(1, ...perDay.map((d) => d.succeeded + d.failed + d.other));
  const x = scaleBand({ domain: perDay.map((d) => d.day), range: [0, WIDTH], padding: 0.2 });
  const y = scaleLinear({ domain: [0, max], range: [HEIGHT, 0] });
  return (
    <svg
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      data-testid="sparkline"
      className="shrink-0"
    >
      <Line
        from={{ x: 0, y: HEIGHT - 0.5 }}
        to={{ x: WIDTH, y: HEIGHT - 0.5 }}
        className="stroke-zinc-200 dark:stroke-zinc-800"
      />
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
                />
              )),
          )
        }
      </BarStack>
    </svg>
  );
}
