import type { CommandDefinition } from '../command-types.js';
import { slackRoutePaths } from './fastify-receiver.js';
import { umbrellaCommand } from './slack-listeners.js';
import { requiredSlackScopes } from './slack-platform.js';

const usageHint = (definition: CommandDefinition) => {
  if (definition.subcommands) return definition.subcommands.map((subcommand) => subcommand.name).join(' | ');
  return definition.arguments
    .map((argument) => (argument.required ? `<${argument.name}>` : `[${argument.name}]`))
    .join(' ');
};

/**
 * The Slack app manifest (api.slack.com/apps → Create New App → From a manifest): Slack has no
 * API to register slash commands, so this is how they, the scopes, the events and the request
 * URLs are declared. `should_escape` makes member mentions arrive as `<@U123|name>` for /admin.
 */
export function buildSlackAppManifest(options: {
  appName: string;
  publicUrl: string;
  definitions: readonly CommandDefinition[];
  socketMode: boolean;
}) {
  const base = options.publicUrl.replace(/\/$/, '');
  const url = (path: string) => (options.socketMode ? {} : { url: `${base}${path}` });
  const commands = [
    ...options.definitions.map((definition) => {
      const hint = usageHint(definition).slice(0, 100);
      return {
        command: `/${definition.name}`,
        description: definition.description.slice(0, 100),
        ...(hint ? { usage_hint: hint } : {}),
      };
    }),
    {
      command: `/${umbrellaCommand}`,
      description: 'Every shop command: /shop tiers, /shop status…',
      usage_hint: '<command> [arguments]',
    },
  ];
  return {
    display_information: { name: options.appName },
    features: {
      bot_user: { display_name: options.appName, always_online: true },
      slash_commands: commands.map((command) => ({
        ...command,
        ...url(slackRoutePaths.commands),
        should_escape: true,
      })),
    },
    oauth_config: { scopes: { bot: [...requiredSlackScopes] } },
    settings: {
      event_subscriptions: {
        ...(options.socketMode ? {} : { request_url: `${base}${slackRoutePaths.events}` }),
        bot_events: ['member_joined_channel', 'member_left_channel', 'team_join'],
      },
      interactivity: {
        is_enabled: true,
        ...(options.socketMode ? {} : { request_url: `${base}${slackRoutePaths.actions}` }),
      },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socketMode,
      token_rotation_enabled: false,
    },
  };
}
