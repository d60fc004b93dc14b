/** What the bench server child and its parent agree on (kept apart: importing bench-server.ts starts a server). */
export const bareRoutePath = '/__bench/bare';

export interface BenchServerReady {
  type: 'ready';
  port: number;
  userId: string;
}
