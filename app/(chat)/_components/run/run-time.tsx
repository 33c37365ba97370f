"use client";

// The person's time zone for the thread's times (their setting, else the browser's), and the
// one way a run's time reads in a post header or a collapsed card: "07:30" today,
// "Mon 30 Nov, 07:30" before.
import { createContext, type ReactNode, useContext } from "react";

const ZoneContext = createContext<string | undefined>(undefined);

export function PersonZoneProvider({ zone, children }: { zone?: string; children: ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

export function usePersonZone(): string | undefined {
  return useContext(ZoneContext);
}

function dayKey(date: Date, zone: string | undefined) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, dateStyle: "short" }).format(date);
}

export function runTimeLabel(iso: string, zone: string | undefined, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const time = new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
  if (dayKey(date, zone) === dayKey(now, zone)) return time;
  const day = new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
  }).format(date);
  return `${day}, ${time}`;
}

/** A run's time in the person's zone; the full date and zone on hover. */
export function RunTime({ iso }: { iso: string }) {
  const zone = usePersonZone();
  const full = new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    dateStyle: "full",
    timeStyle: "long",
  }).format(new Date(iso));
  return (
    // Server and browser may differ in locale or day: the browser's reading wins.
    <time dateTime={iso} title={full} suppressHydrationWarning>
      {runTimeLabel(iso, zone)}
    </time>
  );
}
