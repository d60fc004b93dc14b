import type { types } from '@slack/bolt';
import type { CommandReply, ReplyButton } from '../command-types.js';

export interface SlackMessage {
  /** Fallback for notifications and screen readers; Slack shows the blocks. */
  text: string;
  blocks: types.KnownBlock[];
}

/** Link buttons still send a block_actions payload when clicked; this prefix tells the listener to ignore it. */
export const linkButtonPrefix = 'link-button:';

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
const limits = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonText: 75,
  buttonsPerActions: 25,
  blocksPerMessage: 50,
};

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Slack asks for &, < and > to be escaped in every text it formats. */
export const escapeSlackText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The reply's light markdown in Slack's mrkdwn: **bold** is *bold*; `code` is the same. */
export const toSlackMarkdown = (text: string) => escapeSlackText(text).replace(/\*\*(.+?)\*\*/gs, '*$1*');

/** Splits at line breaks so each part fits a section; a single overlong line is cut. */
function chunkLines(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) chunks.push(current);
    current = truncate(line, max);
  }
  if (current) chunks.push(current);
  return chunks;
}

function renderButton(button: ReplyButton, index: number): types.Button {
  const text = { type: 'plain_text' as const, text: truncate(button.label, limits.buttonText), emoji: true };
  if ('url' in button) return { type: 'button', text, url: button.url, action_id: `${linkButtonPrefix}${index}` };
  return {
    type: 'button',
    text,
    action_id: button.action,
    value: button.action,
    // Slack knows primary and danger; its default look is our "secondary".
    ...(button.style === 'primary' || button.style === 'danger' ? { style: button.style } : {}),
  };
}

/** A CommandReply as Block Kit: header, text, fields, then buttons, with a plain fallback. */
export function renderSlackReply(reply: Omit<CommandReply, 'private'>): SlackMessage {
  const blocks: types.KnownBlock[] = [];
  const title = reply.title?.replace(/\*\*/g, '').trim();
  if (title)
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: truncate(title, limits.headerText), emoji: true },
    });
  for (const chunk of chunkLines(toSlackMarkdown(reply.text), limits.sectionText))
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  const fields = (reply.fields ?? []).map((field) => ({
    type: 'mrkdwn' as const,
    text: truncate(`*${toSlackMarkdown(field.label)}*\n${toSlackMarkdown(field.value)}`, limits.fieldText),
  }));
  for (let start = 0; start < fields.length; start += limits.fieldsPerSection)
    blocks.push({ type: 'section', fields: fields.slice(start, start + limits.fieldsPerSection) });
  const buttons = (reply.buttons ?? []).map(renderButton);
  const actions: types.KnownBlock[] = [];
  for (let start = 0; start < buttons.length; start += limits.buttonsPerActions)
    actions.push({ type: 'actions', elements: buttons.slice(start, start + limits.buttonsPerActions) });
  const fallback = [title ? `*${escapeSlackText(title)}*` : '', toSlackMarkdown(reply.text)].filter(Boolean).join('\n');
  // Over Slack's block limit the buttons survive and the longest content is cut.
  return { text: fallback, blocks: [...blocks.slice(0, limits.blocksPerMessage - actions.length), ...actions] };
}
