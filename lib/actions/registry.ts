// The action catalog: every declared action, looked up by id. Planner, validator and
// interpreter all use this one list.
import { type ActionCatalog, catalogFrom } from "@/lib/plan/catalog";
import { aiGenerate } from "./ai-generate";
import { chatPost } from "./chat-post";
import { type ActionDeclaration, checkedDeclaration } from "./define-action";
import { emailSend } from "./email-send";
import { httpRequest } from "./http-request";
import { mcpCall } from "./mcp-call";
import { slackPost } from "./slack-post";
import { storeGet } from "./store-get";
import { storeSet } from "./store-set";
import { transform } from "./transform";
import { waitApproval } from "./wait-approval";
import { waitDelay } from "./wait-delay";
import { waitEvent } from "./wait-event";
import { waitUntil } from "./wait-until";
import { workflowRun } from "./workflow-run";

export const actionDeclarations: readonly ActionDeclaration[] = [
  httpRequest,
  aiGenerate,
  transform,
  chatPost,
  emailSend,
  slackPost,
  mcpCall,
  storeGet,
  storeSet,
  workflowRun,
  waitDelay,
  waitUntil,
  waitApproval,
  waitEvent,
];

export interface ActionRegistry extends ActionCatalog {
  get(id: string): ActionDeclaration | undefined;
  list(): readonly ActionDeclaration[];
  ids(): string[];
}

/**
 * A registry over a list of declarations (tests build their own with fakes). Every `run` in it
 * is withRun's: input parsed, output checked and redacted, errors as ActionError.
 */
export function createRegistry(list: readonly ActionDeclaration[]): ActionRegistry {
  const declarations = list.map(checkedDeclaration);
  const catalog = catalogFrom(declarations);
  return {
    get: (id) => catalog.get(id) as ActionDeclaration | undefined,
    list: () => declarations,
    ids: () => declarations.map((declaration) => declaration.id),
  };
}

/** The catalog of every built-in action. */
export const actionRegistry: ActionRegistry = createRegistry(actionDeclarations);
