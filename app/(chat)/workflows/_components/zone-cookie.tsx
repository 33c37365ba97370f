"use client";

// Tells the server the browser's time zone (the `tz` cookie) so the next render shows times
// and days in it; reloads once when the zone was unknown or has changed.
import { useEffect } from "react";
import { ZONE_COOKIE } from "@/lib/workflows/zone-cookie";

export function ZoneCookie({ serverZone }: { serverZone: string }) {
  useEffect(() => {
    let zone: string | undefined;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      return;
    }
    if (!zone) return;
    const current = document.cookie
      .split("; ")
      .find((pair) => pair.startsWith(`${ZONE_COOKIE}=`))
      ?.slice(ZONE_COOKIE.length + 1);
    if (current && decodeURIComponent(current) === zone) return;
    // biome-ignore lint/suspicious/noDocumentCookie: one fixed, encoded value; the Cookie Store API is not in every browser
    document.cookie = `${ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    if (zone !== serverZone) window.location.reload();
  }, [serverZone]);
  return null;
}
