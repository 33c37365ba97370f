// The cookie the browser keeps its time zone in, so pages rendered on the server show times
// (and group runs into days) in the person's zone. Browser-safe.
export const ZONE_COOKIE = "tz";
