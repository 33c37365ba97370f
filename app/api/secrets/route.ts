// The caller's secrets: list names (never values) and add or replace one.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { secretNameSchema, secretValueSchema } from "@/lib/secrets/names";
import { listSecrets, saveSecret } from "@/lib/secrets/store";

export const dynamic = "force-dynamic";

const saveSchema = z.object({ name: secretNameSchema, value: secretValueSchema });

export async function GET() {
  try {
    const userId = await requireUserId();
    return Response.json({ secrets: await listSecrets({ userId }) });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}

export async function POST(request: Request) {
  try {
    const userId = await requireUserId();
    const body = saveSchema.safeParse(await readJsonBody(request, { surface: "api" }));
    if (!body.success) {
      throw new AppError("bad_request:api", body.error.issues[0]?.message ?? "Invalid secret.");
    }
    const saved = await saveSecret({ userId, ...body.data });
    const { created, ...secret } = saved;
    return Response.json({ secret }, { status: created ? 201 : 200 });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
