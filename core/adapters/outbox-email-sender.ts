import type { Logger } from 'pino';
import type { EmailMessage, EmailSender } from '../ports/email.js';

/**
 * The embedded sender, used while no mail service is configured: it keeps the latest messages
 * in memory (tests read them) and logs them, so an operator trying the app can follow a login
 * link. In production only the subject is logged: bodies carry one-time links (and the
 * recipient is logged as `email`, which the logger redacts).
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
        options.logger.info(
          { to: message.to, subject: message.subject, text: message.text },
          'email (outbox, not sent)',
        );
      else
        options.logger.info({ to: message.to, subject: message.subject }, 'email kept in the outbox: no mail service');
    },
  };
  return sender;
}
