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
        name: 'deadletters',
        description: 'Webhook events that failed; replay one',
        arguments: [argument('replay', 'Event id to replay')],
      },
    ],
  },
];
