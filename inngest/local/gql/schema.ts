// The slice of the Inngest Dev Server's GraphQL API (`POST /v0/gql`) that tools built for the
// Dev Server read runs and events through: a run's status and trace, a span's output, an
// event as it was stored. Same type and field names as the Dev Server's schema, answered
// from the executor's own tables by the `graphql` reference implementation.
import { buildSchema, type GraphQLScalarType, Kind, type ValueNode } from "graphql";

const sdl = /* GraphQL */ `
  scalar Time
  scalar ULID
  "A JSON object."
  scalar Map

  enum FunctionRunStatus {
    QUEUED
    RUNNING
    COMPLETED
    FAILED
    CANCELLED
  }

  enum RunTraceSpanStatus {
    QUEUED
    RUNNING
    WAITING
    COMPLETED
    FAILED
    CANCELLED
  }

  type Query {
    run(runID: String!): FunctionRunV2
    runTraceSpanOutputByID(outputID: String!): RunTraceSpanOutput
    eventV2(id: ULID!): EventV2
  }

  type FunctionRunV2 {
    id: ULID!
    functionID: String!
    appID: String!
    eventID: ULID
    status: FunctionRunStatus!
    queuedAt: Time!
    startedAt: Time
    endedAt: Time
    "The run's return value as a JSON string, once it completed."
    output: String
    trace(preview: Boolean): RunTraceSpan
  }

  type RunTraceSpan {
    name: String!
    runID: ULID!
    spanID: String!
    "The hashed step id; null on the run's root span."
    stepID: String
    isRoot: Boolean!
    status: RunTraceSpanStatus!
    attempts: Int
    queuedAt: Time!
    startedAt: Time
    endedAt: Time
    duration: Int
    "Pass to runTraceSpanOutputByID; null while the span has no output or error."
    outputID: String
    childrenSpans: [RunTraceSpan!]!
    "Run metadata on the root span, a step's on its span (score(), metadata.update(), AI usage)."
    metadata: [SpanMetadata!]!
  }

  type SpanMetadata {
    "run, step or extended_trace"
    scope: String!
    "inngest.score, inngest.ai, inngest.experiment, userland.<kind>…"
    kind: String!
    "The merged values of every update of this kind on this target."
    values: Map!
    updatedAt: Time!
  }

  type RunTraceSpanOutput {
    "The span's output as a JSON string."
    data: String
    error: StepError
  }

  type StepError {
    message: String!
    name: String
    stack: String
    cause: String
  }

  type EventV2 {
    id: ULID!
    name: String!
    "The event exactly as functions receive it, as a JSON string."
    raw: String!
    idempotencyKey: String
    receivedAt: Time!
    occurredAt: Time!
    runs: [FunctionRunV2!]!
  }
`;

/** Built once: the schema is static, only the root resolvers change per engine. */
export const devServerSchema = (() => {
  const schema = buildSchema(sdl);
  // SDL declares the custom scalars; their coercion is attached here.
  Object.assign(schema.getType("Time") as GraphQLScalarType, {
    serialize: (value: unknown) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: (value: unknown) => new Date(String(value)),
    parseLiteral: (ast: ValueNode) => (ast.kind === Kind.STRING ? new Date(ast.value) : null),
  });
  Object.assign(schema.getType("Map") as GraphQLScalarType, {
    serialize: (value: unknown) => value,
    parseValue: (value: unknown) => value,
  });
  Object.assign(schema.getType("ULID") as GraphQLScalarType, {
    serialize: (value: unknown) => String(value),
    parseValue: (value: unknown) => {
      if (typeof value !== "string" || !value) throw new TypeError("ULID must be a string");
      return value;
    },
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) throw new TypeError("ULID must be a string");
      return ast.value;
    },
  });
  return schema;
})();
