import { commandDefinitions } from '../bots/command-definitions.js';
import { buildSlackAppManifest } from '../bots/slack/slack-app-manifest.js';
import { loadConfig } from '../core/config.js';

/**
 * `npx tsx scripts/slack-manifest.ts [app name]`: prints the Slack app manifest for this
 * deployment (commands, scopes, events and request URLs under PUBLIC_URL; none with
 * SLACK_APP_TOKEN, i.e. Socket Mode). Paste it into api.slack.com/apps → From a manifest.
 */
const config = loadConfig();
const manifest = buildSlackAppManifest({
  appName: process.argv[2] ?? 'Shop',
  publicUrl: config.PUBLIC_URL,
  definitions: commandDefinitions,
  socketMode: Boolean(config.SLACK_APP_TOKEN),
});
console.log(JSON.stringify(manifest, null, 2));
