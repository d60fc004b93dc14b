import { spawn } from 'node:child_process';
import { startFakeTelegramApi } from '/work/main/bots/telegram/testing/fake-telegram-api.js';
import { commandMessage } from '/work/main/bots/telegram/testing/telegram-fixtures.js';
const fake = await startFakeTelegramApi();
fake.state.startedUsers.add(123456789);
const child = spawn('npx', ['tsx', 'main.ts'], {
  cwd: '/work/main',
  env: { ...process.env, DATA_DIR: '/tmp/tgsmoke/data', PORT: '0', LOG_LEVEL: 'warn', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const deadline = Date.now() + 90_000;
while (Date.now() < deadline && !fake.requests.some((r) => r.method === 'deleteWebhook')) await new Promise((r) => setTimeout(r, 500));
console.log('methods so far', fake.requests.map((r) => r.method));
fake.state.queueUpdate(commandMessage('message.start', '/tiers'));
while (Date.now() < deadline && fake.messagesTo(123456789).length === 0) await new Promise((r) => setTimeout(r, 300));
console.log('reply:', JSON.stringify(fake.messagesTo(123456789)[0])?.slice(0, 600));
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
await fake.close();
