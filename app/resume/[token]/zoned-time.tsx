"use client";

// An instant on the resume page, with its zone named: rendered first in the zone the server
// knows (the signed-in owner's setting, else UTC), then in the reader's own once the browser
// says which it is. A public page cannot know the reader's zone, so it always names it.
import { useEffect, useState } from "react";
import { formatDateTime } from "@/lib/format/time";

function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function ZonedTime({ iso, zone }: { iso: string; zone?: string }) {
  const [shown, setShown] = useState(zone ?? "UTC");
  useEffect(() => {
    const own = browserZone();
    if (own) setShown(own);
  }, []);
  return (
    <time dateTime={iso} data-zone={shown} suppressHydrationWarning>
      {formatDateTime(iso, { timeZone: shown, year: true })}{" "}
      <span className="opacity-65">
        {shown === "UTC" ? "UTC" : `(${shown.replaceAll("_", " ")})`}
      </span>
    </time>
  );
}
