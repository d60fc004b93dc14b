import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { createLogger } from '../../core/logger.js';

/**
 * `npm run chat` shares the terminal with the prompt, so its logs (every level, warnings
 * included) go to `<DATA_DIR>/chat.log` instead of stdout; the banner says where. Written
 * synchronously so nothing is lost when the chat ends with :quit.
 */
export function createConsoleChatLogger(options: { dataDir: string; level: string }): { logger: Logger; file: string } {
  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'chat.log');
  const logger = createLogger({ level: options.level, destination: pino.destination({ dest: file, sync: true }) });
  return { logger, file };
}
