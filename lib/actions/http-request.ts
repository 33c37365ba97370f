import { z } from "zod";
import { defineAction } from "./define-action";
import { httpUrl, shortUrl } from "./shared-schemas";

export const httpRequest = defineAction({
  id: "http.request",
  title: "HTTP request",
  description:
    "Call an HTTP API. JSON responses are parsed into body. Use secrets for credentials in headers.",
  kind: "task",
  sideEffects: true,
  input: z.strictObject({
    url: httpUrl,
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional().describe("JSON value or text"),
    responseType: z.enum(["auto", "json", "text"]).optional(),
  }),
  output: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  describe: (input) => {
    const method = typeof input.method === "string" ? input.method : "GET";
    return `call ${method} ${shortUrl(input.url)}`;
  },
  example: {
    url: "https://status.example.com/api/incidents",
    query: { state: "open" },
    headers: { Authorization: "Bearer {{ secrets.STATUS_TOKEN }}" },
  },
});
