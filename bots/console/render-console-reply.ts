import type { CommandReply } from '../command-types.js';

/** A reply as terminal text; buttons are numbered so `!1` presses the first. */
export function renderConsoleReply(reply: CommandReply): string {
  const lines: string[] = [];
  if (reply.title) lines.push(`== ${reply.title} ==`);
  lines.push(reply.text.replaceAll('**', '').replaceAll('`', ''));
  for (const field of reply.fields ?? []) lines.push(`  ${field.label}: ${field.value.replaceAll('\n', '\n    ')}`);
  (reply.buttons ?? []).forEach((button, index) => {
    lines.push(
      'url' in button ? `  [${index + 1}] ${button.label}: ${button.url}` : `  [!${index + 1}] ${button.label}`,
    );
  });
  return lines.join('\n');
}
