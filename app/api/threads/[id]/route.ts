// Rename or delete one of the caller's threads; another user's thread is a 404.
import { z } from "zod";
import { requireUserId } from "@/app/(auth)/require-user";
import { deleteThread, renameThread } from "@/lib/db/queries";
import { AppError, toErrorResponse } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ id: z.uuid() });
const renameSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, "A title cannot be empty.")
    .max(120, "Keep titles under 120 characters."),
});

type Context = { params: Promise<{ id: string }> };

async function target(context: Context) {
  const userId = await requireUserId();
  const params = paramsSchema.safeParse(await context.params);
  if (!params.success) throw new AppError("not_found:thread");
  return { userId, id: params.data.id };
}

export async function PATCH(request: Request, context: Context) {
  try {
    const { userId, id } = await target(context);
    const body = renameSchema.safeParse(await readJsonBody(request, { surface: "thread" }));
    if (!body.success) {
      throw new AppError("bad_request:thread", body.error.issues[0]?.message ?? "Invalid title.");
    }
    const thread = await renameThread({ id, userId, title: body.data.title });
    return Response.json({ thread });
  } catch (error) {
    return toErrorResponse(error, "thread");
  }
}

export async function DELETE(_request: Request, context: Context) {
  try {
    const { userId, id } = await target(context);
    await deleteThread({ id, userId });
    return new Response(null, { status: 204 });
  } catch (error) {
    return toErrorResponse(error, "thread");
  }
}
