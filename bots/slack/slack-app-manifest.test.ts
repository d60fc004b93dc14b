import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../command-definitions.js';
import { buildSlackAppManifest } from './slack-app-manifest.js';

describe('the Slack app manifest', () => {
  it('declares every command of the table plus /shop, all pointing at the signed commands endpoint', () => {
    const manifest = buildSlackAppManifest({
      appName: 'Shop',
      publicUrl: 'https://shop.example/',
      definitions: commandDefinitions,
      socketMode: false,
    });
    const commands = manifest.features.slash_commands;
    expect(commands.map((command) => command.command)).toEqual([
      ...commandDefinitions.map((definition) => `/${definition.name}`),
      '/shop',
    ]);
    for (const command of commands) {
      expect(command).toMatchObject({ url: 'https://shop.example/v1/slack/commands', should_escape: true });
      expect(command.description.length).toBeLessThanOrEqual(100);
    }
    expect(commands.find((command) => command.command === '/subscribe')?.usage_hint).toBe('<plan> [method] [code]');
    expect(manifest.settings.event_subscriptions.request_url).toBe('https://shop.example/v1/slack/events');
    expect(manifest.settings.interactivity.request_url).toBe('https://shop.example/v1/slack/actions');
    expect(manifest.oauth_config.scopes.bot).toContain('groups:write');
  });

  it('in Socket Mode has no request URLs', () => {
    const manifest = buildSlackAppManifest({
      appName: 'Shop',
      publicUrl: 'https://shop.example',
      definitions: commandDefinitions,
      socketMode: true,
    });
    expect(JSON.stringify(manifest)).not.toContain('https://shop.example');
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
