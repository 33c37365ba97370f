"use client";

// A box that scrolls (a step's JSON, a run's log) must be reachable from the keyboard, or its
// hidden part can only be read with a mouse. Only while it does scroll: a short one stays out
// of the Tab order.
import { type ComponentProps, useEffect, useLayoutEffect, useRef, useState } from "react";

/**
 * Props for the scrolling element: its ref, and while its content overflows, a tab stop and a
 * name (as a region, unless it has a role of its own worth keeping, like a list).
 */
export function useScrollRegion<T extends HTMLElement>(label: string, { asRegion = true } = {}) {
  const ref = useRef<T>(null);
  const [scrolls, setScrolls] = useState(false);
  const measure = () => {
    const element = ref.current;
    if (!element) return;
    setScrolls(
      element.scrollHeight > element.clientHeight + 1 ||
        element.scrollWidth > element.clientWidth + 1,
    );
  };
  // Its content changes with each render (a log grows); its box with the window.
  useLayoutEffect(measure);
  // biome-ignore lint/correctness/useExhaustiveDependencies: measure reads only the ref
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return {
    ref,
    ...(scrolls
      ? { tabIndex: 0, "aria-label": label, ...(asRegion ? { role: "region" as const } : {}) }
      : {}),
  };
}

/** Preformatted text (JSON, a payload) in a box that may scroll. */
export function ScrollPre({ label, ...props }: { label: string } & ComponentProps<"pre">) {
  const region = useScrollRegion<HTMLPreElement>(label);
  return <pre {...props} {...region} />;
}
