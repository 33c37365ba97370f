"use client";

// The person's time zone for the thread's times (their setting, else the browser's), and a
// run's time as a post header or a collapsed card shows it: "07:30" today, "Mon 30 Nov, 07:30"
// before (lib/format/time).
import { createContext, type ReactNode, useContext } from "react";
import { formatDateTime, formatWhen } from "@/lib/format/time";

const ZoneContext = createContext<string | undefined>(undefined);

export function PersonZoneProvider({ zone, children }: { zone?: string; children: ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

export function usePersonZone(): string | undefined {
  return useContext(ZoneContext);
}

/** A run's time in the person's zone; the full date on hover. */
export function RunTime({ iso }: { iso: string }) {
  const timeZone = usePersonZone();
  return (
    // Server and browser may differ in zone or day: the browser's reading wins.
    <time
      dateTime={iso}
      title={formatDateTime(iso, { timeZone, year: true, seconds: true })}
      suppressHydrationWarning
    >
      {formatWhen(iso, { timeZone })}
    </time>
  );
}
