// The person's time zone for server-rendered pages: the zone they set, else the one their
// browser reported (the `tz` cookie, as the chat sends `timezone` with each message), else UTC.
import "server-only";
import { cookies } from "next/headers";
import { getUserById } from "@/lib/db/queries";
import { isValidTimeZone } from "@/lib/plan/timezone";
import { ZONE_COOKIE } from "./zone-cookie";

export async function personTimeZone(userId: string): Promise<string> {
  const user = await getUserById({ id: userId });
  if (user?.timezone && isValidTimeZone(user.timezone)) return user.timezone;
  const browser = await zoneCookie();
  return browser && browser.length <= 64 && isValidTimeZone(browser) ? browser : "UTC";
}

/** The zone the browser reported; none outside a request (a page rendered by a test). */
async function zoneCookie(): Promise<string | undefined> {
  try {
    return (await cookies()).get(ZONE_COOKIE)?.value;
  } catch {
    return undefined;
  }
}
