// Replace or delete one of the caller's secrets; another user's (or a missing) one is a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";
import { secretNameSchema, secretValueSchema } from "@/lib/secrets/names";
import { deleteSecret, listSecrets, saveSecret } from "@/lib/secrets/store";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ name: secretNameSchema });
const replaceSchema = z.object({ value: secretValueSchema });

type Context = { params: Promise<{ name: string }> };

async function target(context: Context) {
  const userId = await requireUserId();
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) throw new AppError("not_found:api", "No such secret.");
  return { userId, name: params.data.name };
}

export async function PUT(request: Request, context: Context) {
  try {
    const { userId, name } = await target(context);
    const exists = (await listSecrets({ userId })).some((secret) => secret.name === name);
    if (!exists) throw new AppError("not_found:api", `No secret named ${name}.`);
    const body = replaceSchema.safeParse(await readJsonBody(request, { surface: "api" }));
    if (!body.success) {
      throw new AppError("bad_request:api", body.error.issues[0]?.message ?? "Invalid value.");
    }
    const { created: _created, ...secret } = await saveSecret({
      userId,
      name,
      value: body.data.value,
    });
    return Response.json({ secret });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}

export async function DELETE(_request: Request, context: Context) {
  try {
    const { userId, name } = await target(context);
    await deleteSecret({ userId, name });
    return new Response(null, { status: 204 });
  } catch (error) {
    return toErrorResponse(error, "api");
  }
}
