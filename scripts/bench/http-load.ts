import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadFigures {
  requestsPerSecond: number;
  /** Milliseconds, from each response's own timing (autocannon's histogram rounds to whole ms). */
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

export interface LoadRun {
  url: string;
  headers?: Record<string, string>;
  /** Connection n sends headersPerConnection[n % length] (several callers, e.g. several API keys). */
  headersPerConnection?: Record<string, string>[];
  connections: number;
  durationSeconds: number;
}

/**
 * One closed-loop autocannon run: every connection sends its next request as soon as the last is answered. Latencies are collected per response (sub-millisecond), and
 * any non-2xx answer or socket error makes the run an error: a figure for failing requests means nothing.
 */
export async function measureHttp(run: LoadRun): Promise<LoadFigures> {
  const latencies: number[] = [];
  let connection = 0;
  const perConnection = run.headersPerConnection;
  const setupClient = perConnection?.length
    ? (client: autocannon.Client) => {
        client.setHeaders({ ...run.headers, ...perConnection[connection % perConnection.length] });
        connection += 1;
      }
    : undefined;
  let failedStatus: number | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.url,
        headers: run.headers ?? {},
        connections: run.connections,
        duration: run.durationSeconds,
        ...(setupClient ? { setupClient } : {}),
      },
      (error: unknown, finished: autocannon.Result) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failedStatus ??= statusCode;
    });
  });
  if (failedStatus !== undefined) throw new Error(`${run.url} answered ${failedStatus} under load`);
  if (result.errors > 0 || result.timeouts > 0)
    throw new Error(`${run.url}: ${result.errors} socket errors, ${result.timeouts} timeouts under load`);
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: latencies.length,
  };
}
