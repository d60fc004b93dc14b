import nodemailer from 'nodemailer';
import type { EmailMessage, EmailSender } from '../ports/email.js';

/**
 * Email through an SMTP server (SMTP_URL): any mail service speaks it, so no provider SDK is
 * needed. nodemailer does the protocol (STARTTLS, auth, pooling); a refused message throws, so
 * the login-link job fails and the queue retries it.
 */
export function createSmtpEmailSender(options: { url: string; from: string }) {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message: EmailMessage) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
    close() {
      transport.close();
    },
  } satisfies EmailSender & { close(): void };
}
