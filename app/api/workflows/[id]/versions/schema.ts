import { z } from "zod";

/** The person's edit: the whole plan (checked by lib/plan) and the version it was based on. */
export const saveVersionSchema = z.object({
  baseVersionId: z.uuid("baseVersionId must be a version id."),
  plan: z.unknown().refine((value) => value !== undefined, "A plan is required."),
  note: z.string().max(500).optional(),
});
