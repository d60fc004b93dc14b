import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface SocketModeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/**
 * Slack's Socket Mode end on 127.0.0.1: the URL `apps.connections.open` hands out, a `hello`
 * on connect, envelopes pushed to the app, and the acks the app sends back (with the reply
 * when the app answers in the ack). Frames follow Slack's Socket Mode documentation.
 */
export async function startFakeSlackSocket() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const acks = new Map<string, (ack: SocketModeAck) => void>();
  let connection: WebSocket | undefined;
  let announceConnection = () => {};
  const connected = new Promise<void>((resolve) => {
    announceConnection = resolve;
  });
  let connections = 0;

  server.on('connection', (socket) => {
    connections += 1;
    connection = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as SocketModeAck;
      acks.get(frame.envelope_id)?.(frame);
      acks.delete(frame.envelope_id);
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 3600 },
        connection_info: { app_id: 'A07APPID123' },
      }),
    );
    announceConnection();
  });

  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=A07APPID123`,
    get connections() {
      return connections;
    },
    connected,
    /** Pushes one envelope and resolves with the app's ack (rejects after `timeoutMs`). */
    push(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs = 5000) {
      if (connection?.readyState !== WebSocket.OPEN) throw new Error('the app is not connected');
      const envelopeId = randomUUID();
      const acked = new Promise<SocketModeAck>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for envelope ${envelopeId}`)), timeoutMs);
        acks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
      connection.send(
        JSON.stringify({ envelope_id: envelopeId, payload, type, accepts_response_payload: type !== 'events_api' }),
      );
      return acked;
    },
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSlackSocket = Awaited<ReturnType<typeof startFakeSlackSocket>>;
