import type { CommandArgument, CommandDefinition } from './command-types.js';

const argument = (
  name: string,
  description: string,
  options: { type?: CommandArgument['type']; required?: boolean; choices?: readonly string[] } = {},
): CommandArgument => ({
  name,
  description,
  type: options.type ?? 'string',
  required: options.required ?? false,
  ...(options.choices ? { choices: options.choices } : {}),
});

const member = argument('member', 'The member: a mention, @username, platform id, email or user id', {
  type: 'member',
  required: true,
});

export const paymentMethods = ['card', 'crypto'] as const;

/**
 * The shop's commands, the same on every platform. Adapters register these (Discord slash
 * commands, Telegram's command menu, Slack slash commands, the console's help).
 */
export const commandDefinitions: readonly CommandDefinition[] = [
  {
    name: 'tiers',
    description: 'Plans, prices and what each includes',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'subscribe',
    description: 'Get your personal checkout link',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [
      argument('plan', 'Plan id, e.g. pro', { required: true }),
      argument('method', 'card or crypto', { choices: paymentMethods }),
      argument('code', 'Referral or promo code'),
    ],
  },
  {
    name: 'status',
    description: 'Your plan, state, renewal date and quota use',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'why',
    description: 'Why you have the access you have right now',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'manage',
    description: 'Billing portal: card, invoices, plan',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'cancel',
    description: 'Cancel at the end of the paid period',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'redeem',
    description: 'Apply a referral or promo code to your next checkout',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [argument('code', 'The code', { required: true })],
  },
  {
    name: 'referral',
    description: 'Your invite code and who joined with it',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  {
    name: 'link',
    description: 'Link this account with your account on another platform',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [argument('code', 'The code from your other platform (leave empty to get one)')],
  },
  {
    name: 'autotrade',
    description: 'Your paper trading account that follows the signals',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [argument('action', 'on, off or status', { choices: ['on', 'off', 'status'] })],
  },
  {
    name: 'apikey',
    description: 'Your API keys: create, list, rotate or revoke (a new key is shown to you alone, once)',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [
      argument('action', 'create, list, rotate or revoke', { choices: ['create', 'list', 'rotate', 'revoke'] }),
      argument('key', 'The key prefix (from list) to rotate or revoke'),
    ],
  },
  {
    name: 'signals',
    description: 'Signals on or off, by DM or in your tier’s channel, or the latest ones',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [
      argument('action', 'on, off, dm, channel or latest', { choices: ['on', 'off', 'dm', 'channel', 'latest'] }),
    ],
  },
  {
    name: 'login',
    description: 'A one-time sign-in link for the website, sent to you by private message',
    moderatorOnly: false,
    visibility: 'private',
    arguments: [],
  },
  { name: 'help', description: 'What this bot can do', moderatorOnly: false, visibility: 'private', arguments: [] },
  {
    name: 'admin',
    description: 'Moderator tools',
    moderatorOnly: true,
    visibility: 'private',
    arguments: [],
    subcommands: [
      {
        name: 'grant',
        description: 'Give a member a plan for some days',
        arguments: [
          member,
          argument('plan', 'Plan id', { required: true }),
          argument('days', 'Days of access', { type: 'integer', required: true }),
        ],
      },
      { name: 'revoke', description: 'Take a member’s access away', arguments: [member] },
      { name: 'lookup', description: 'Plan, state, payments, identities and access of a member', arguments: [member] },
      {
        name: 'refund',
        description: 'Refund a payment in full',
        arguments: [argument('payment', 'Payment id (from lookup)', { required: true })],
      },
      { name: 'stats', description: 'MRR, active members by plan, new and churned this month', arguments: [] },
      {
        name: 'sync',
        description: 'Run the access reconciler now (one member or everyone)',
        arguments: [argument('member', 'Leave empty for everyone', { type: 'member' })],
      },
      {
        name: 'plans',
        description: 'List plans; create one or change a price',
        arguments: [
          argument('action', 'list, create or price', { choices: ['list', 'create', 'price'] }),
          argument('plan', 'Plan id'),
          argument('amount', 'Monthly price in minor units (cents)', { type: 'integer' }),
          argument('name', 'Name of a new plan'),
        ],
      },
      {
        name: 'promo',
        description: 'List promo codes; create or disable one',
        arguments: [
          argument('action', 'list, create or disable', { choices: ['list', 'create', 'disable'] }),
          argument('code', 'The promo code, e.g. SPRING20'),
          argument('value', '20% or an amount off in minor units (500 = $5.00)'),
          argument('plan', 'Plan it applies to (any: every tier)'),
          argument('uses', 'Max redemptions (any: unlimited)', { type: 'integer' }),
          argument('days', 'Days until it expires (any: never)', { type: 'integer' }),
          argument('duration', 'once, forever, or a number of months'),
        ],
      },
      {
        name: 'signal',
        description: 'Publish a signal to every tier',
        arguments: [
          argument('instrument', 'Symbol, e.g. BTCUSDT', { required: true }),
          argument('side', 'long or short', { required: true, choices: ['long', 'short'] }),
          argument('entry', 'Entry price, e.g. 64250.5', { required: true }),
          argument('stop', 'Stop price', { required: true }),
          argument('targets', 'Target prices, comma-separated: 66000,68000', { required: true }),
          argument('note', 'A short note'),
        ],
      },
      {
        name: 'signalchannel',
        description: 'Where a tier’s signals are posted (list, set, or off)',
        arguments: [
          argument('plan', 'Plan id (leave empty to list)'),
          argument('platform', 'discord, telegram or slack', { choices: ['discord', 'telegram', 'slack'] }),
          argument('channel', 'Channel id, or off'),
        ],
      },
      {
        name: 'deadletters',
        description: 'Webhook events that failed; replay one',
        arguments: [argument('replay', 'Event id to replay')],
      },
      { name: 'weblogin', description: 'A one-time sign-in link to the admin pages', arguments: [] },
    ],
  },
];
