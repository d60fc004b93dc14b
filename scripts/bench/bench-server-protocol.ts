/** What the bench server child and its parent agree on (kept apart: importing bench-server.ts starts a server). */
export const bareRoutePath = '/__bench/bare';

export interface BenchServerReady {
  type: 'ready';
  port: number;
  userId: string;
}

/** The parent asks `{ type: 'cpu' }`; the child answers with its own CPU time so far. */
export interface BenchServerCpu {
  type: 'cpu';
  /** User + system CPU time of the server process, microseconds. */
  micros: number;
}
