// The functions the app serves at /api/inngest.
import { actionRegistry } from "@/lib/actions/registry";
import { inngest } from "./client";
import { createFunctions } from "./functions";

export const functions = createFunctions({ client: inngest, registry: actionRegistry });
