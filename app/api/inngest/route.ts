// The Inngest endpoint: whichever engine is configured (embedded, Dev Server, Cloud) syncs and
// calls the app's functions here.
import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";

export const dynamic = "force-dynamic";
// Steps of a run may take a while (AI calls, HTTP); keep the request open long enough.
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
