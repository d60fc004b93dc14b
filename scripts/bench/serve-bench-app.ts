import type { FastifyInstance } from 'fastify';

/**
 * A bench server child's life: listen on a free loopback port, answer the parent's messages,
 * and close the app and its core when told to stop or when the parent goes away (crash,
 * Ctrl-C), so no server lingers. Returns the port for the child's `ready` message.
 */
export async function serveBenchApp(
  app: FastifyInstance,
  dispose: () => Promise<unknown>,
  onMessage: (message: unknown) => void = () => {},
): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the bench server has no TCP address');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await dispose();
    process.exit(0);
  };
  process.on('message', (message: unknown) => {
    if (message === 'stop') void stop();
    else onMessage(message);
  });
  process.on('disconnect', () => void stop());
  return address.port;
}
