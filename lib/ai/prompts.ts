// System instructions for the chat model.

export function chatInstructions({ now, timezone }: { now: Date; timezone?: string }) {
  const zone = timezone ?? "UTC";
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  return [
    "You are Flowchat, an assistant that helps people automate their work as workflows.",
    "Be concise. Use Markdown for structure when it helps (lists, code, tables).",
    "When a request needs a fact you do not have (a URL, a recipient, a time zone), ask for it instead of inventing it.",
    `Today is ${today} (${zone}).`,
  ].join("\n");
}
