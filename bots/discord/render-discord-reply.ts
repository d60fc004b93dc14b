import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { CommandReply, ReplyButton } from '../command-types.js';

/** Discord's documented limits for messages, embeds and components. */
export const discordLimits = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  buttonLabel: 80,
  customId: 100,
  buttonsPerRow: 5,
  rows: 5,
} as const;

export interface DiscordMessageBody {
  content: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIButtonComponent>>;
  /** Replies quote members (`<@id>` in /admin lookup) without pinging them. */
  allowed_mentions: { parse: [] };
}

const truncate = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

const buttonStyle: Record<
  'primary' | 'secondary' | 'danger',
  ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger
> = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, danger: ButtonStyle.Danger };

function renderButton(button: ReplyButton): APIButtonComponent | undefined {
  const label = truncate(button.label, discordLimits.buttonLabel);
  if ('url' in button) return { type: ComponentType.Button, style: ButtonStyle.Link, label, url: button.url };
  // A cut custom_id would press a different action than the one offered, so such a button is left out.
  if (button.action.length > discordLimits.customId) return undefined;
  return {
    type: ComponentType.Button,
    style: buttonStyle[button.style ?? 'primary'],
    label,
    custom_id: button.action,
  };
}

/** Buttons in rows of five, at most five rows (Discord refuses the whole message beyond that). */
export function renderButtonRows(buttons: readonly ReplyButton[]): Array<APIActionRowComponent<APIButtonComponent>> {
  const rendered = buttons.map(renderButton).filter((button) => button !== undefined);
  const rows: Array<APIActionRowComponent<APIButtonComponent>> = [];
  for (
    let start = 0;
    start < rendered.length && rows.length < discordLimits.rows;
    start += discordLimits.buttonsPerRow
  ) {
    rows.push({
      type: ComponentType.ActionRow,
      components: rendered.slice(start, start + discordLimits.buttonsPerRow),
    });
  }
  return rows;
}

/**
 * A reply as one Discord message: plain text goes in `content`; a reply with a title or
 * fields becomes one embed (title, text as description, fields) so tables stay aligned.
 * Every part is always present, so editing a deferred "thinking…" message replaces all of it.
 */
export function renderDiscordReply(reply: CommandReply): DiscordMessageBody {
  const components = renderButtonRows(reply.buttons ?? []);
  const allowed_mentions = { parse: [] as [] };
  if (reply.title === undefined && (reply.fields ?? []).length === 0) {
    return { content: truncate(reply.text, discordLimits.content), embeds: [], components, allowed_mentions };
  }
  const embed: APIEmbed = {
    ...(reply.title ? { title: truncate(reply.title, discordLimits.embedTitle) } : {}),
    ...(reply.text ? { description: truncate(reply.text, discordLimits.embedDescription) } : {}),
    fields: (reply.fields ?? []).slice(0, discordLimits.embedFields).map((field) => ({
      name: truncate(field.label || '\u200b', discordLimits.fieldName),
      value: truncate(field.value || '—', discordLimits.fieldValue),
      inline: field.value.length <= 40,
    })),
  };
  return { content: '', embeds: [embed], components, allowed_mentions };
}
