import type { Logger } from 'pino';
import type { EmailMessage, EmailSender } from '../ports/email.js';

/**
 * The embedded sender, used while no mail service is configured: it keeps the latest messages
 * in memory (tests read them) and logs that they were kept. The recipient is never logged (it is
 * personal data), and in production neither is the body; elsewhere the body is, with its one-time
 * token censored like every credential, since a log line is not a safe place for a sign-in.
 */
export function createOutboxEmailSender(options: { logger: Logger; logBodies: boolean; keep?: number }) {
  const outbox: Array<EmailMessage & { queuedAt: Date }> = [];
  const keep = options.keep ?? 100;
  const sender: EmailSender & { outbox: typeof outbox } = {
    outbox,
    async send(message) {
      outbox.push({ ...message, queuedAt: new Date() });
      if (outbox.length > keep) outbox.splice(0, outbox.length - keep);
      if (options.logBodies)
        options.logger.info({ subject: message.subject, text: message.text }, 'email (outbox, not sent)');
      else options.logger.info({ subject: message.subject }, 'email kept in the outbox: no mail service');
    },
  };
  return sender;
}
