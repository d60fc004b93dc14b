import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';

const levelOf: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

/**
 * Bolt and its WebClient write through our pino logger, so their lines get the same redaction
 * and level as everything else. Bolt's setLevel is ignored: LOG_LEVEL decides.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return;
      const error = messages.find((message) => message instanceof Error);
      const text = messages
        .filter((message) => message !== error)
        .map((message) => (typeof message === 'string' ? message : safeJson(message)))
        .join(' ');
      if (error) logger[level]({ err: error }, text);
      else logger[level](text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel() {},
    getLevel: () => levelOf[logger.level] ?? LogLevel.ERROR,
    setName() {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
