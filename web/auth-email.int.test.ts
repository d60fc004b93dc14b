import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../core/testing/test-core.js';

interface ReceivedMail {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every message it accepts. */
async function startSmtpReceiver() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body as text: quoted-printable soft line breaks and escapes undone. */
const decodedBody = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

describe('sign-in links by email over SMTP (SMTP_URL set)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let test: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    test = await createTestApp({ SMTP_URL: smtp.url, EMAIL_FROM: 'shop@shop.test' });
  });
  afterAll(async () => {
    await test?.close();
    await smtp?.close();
  });

  it('delivers the one-time link to the member’s address, and the link signs them in', async () => {
    await test.core.users.findOrCreate({ email: 'smtp-member@example.com' }, 'test');
    const asked = await test.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'smtp-member@example.com' },
    });
    expect(asked.statusCode).toBe(202);
    await test.drain();

    expect(test.core.emailOutbox).toBeUndefined();
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail).toMatchObject({ from: 'shop@shop.test', to: ['smtp-member@example.com'] });
    expect(mail!.raw).toMatch(/^Subject: Your sign-in link/m);
    const token = /lt_[A-Za-z0-9_-]{43}/.exec(decodedBody(mail!.raw))?.[0];
    expect(token).toBeDefined();
    const exchanged = await test.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { login_token: token } });
    expect(exchanged.statusCode, exchanged.body).toBe(200);
    expect(exchanged.json()).toHaveProperty('access_token');
  });

  it('sends nothing for an address that is no member’s, while answering the same 202', async () => {
    const before = smtp.received.length;
    const asked = await test.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'stranger@example.com' },
    });
    expect(asked.statusCode).toBe(202);
    await test.drain();
    expect(smtp.received).toHaveLength(before);
  });
});
