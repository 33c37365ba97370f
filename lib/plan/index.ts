// The plan language: the public surface other modules import.
export * from "./bindings";
export * from "./catalog";
export * from "./diff";
export * from "./duration";
export * from "./expression";
export * from "./json-schema";
export * from "./language-guide";
export * from "./manual-inputs";
export * from "./progress";
export * from "./schedule";
export * from "./schema";
export * from "./scope";
export * from "./summary";
export * from "./timezone";
export * from "./validate";
export * from "./waits";
