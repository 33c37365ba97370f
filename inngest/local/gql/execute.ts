// GraphQL over HTTP for `POST /v0/gql`: parse, validate, execute against the Dev Server slice.
// A request that does not parse or validate answers 400 with the errors (GraphQL-over-HTTP for
// application/json); a resolver failure still answers 200 with `errors` beside partial data.
import { type ExecutionResult, execute, GraphQLError, parse, validate } from "graphql";
import type { Queryable } from "../sql-client";
import { devServerRoot } from "./resolvers";
import { devServerSchema } from "./schema";

export type GqlRequest = {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
};

const failure = (message: string): { status: number; body: ExecutionResult } => ({
  status: 400,
  body: { errors: [new GraphQLError(message)] },
});

export async function executeGql(
  q: Queryable,
  request: GqlRequest,
): Promise<{ status: number; body: ExecutionResult }> {
  if (typeof request?.query !== "string" || !request.query.trim()) {
    return failure("The body needs a `query` string");
  }
  if (
    request.variables !== undefined &&
    request.variables !== null &&
    (typeof request.variables !== "object" || Array.isArray(request.variables))
  ) {
    return failure("`variables` must be an object");
  }
  let document: ReturnType<typeof parse>;
  try {
    document = parse(request.query);
  } catch (error) {
    return { status: 400, body: { errors: [error as GraphQLError] } };
  }
  const errors = validate(devServerSchema, document);
  if (errors.length) return { status: 400, body: { errors } };
  const result = await execute({
    schema: devServerSchema,
    document,
    rootValue: devServerRoot(q),
    variableValues: (request.variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof request.operationName === "string" ? request.operationName : undefined,
  });
  return { status: 200, body: result };
}
