import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { median, percentile } from './stats.js';

export interface FirstByteFigures {
  /** Milliseconds from sending the request to the response's first byte (status line and headers). */
  medianMs: number;
  p90Ms: number;
  samples: number;
}

export interface FirstByteTarget {
  url: string;
  headers?: Record<string, string>;
}

/** One GET on a kept-alive connection: the time to the first byte, with the body read to the end. */
function timeOneRequest(agent: Agent, target: FirstByteTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(target.url, { agent, headers: target.headers ?? {} }, (response) => {
      const firstByteMs = performance.now() - started;
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${target.url} answered ${response.statusCode}`));
        return;
      }
      response.on('end', () => resolve(firstByteMs));
      response.on('error', reject);
      response.resume();
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`${target.url} took over 10 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * Warm time to first byte of several routes of one server, one request at a time (what one
 * visitor waits, not throughput): a warm-up of each, then the routes take turns request by
 * request, so a slower stretch of the machine hits all of them alike.
 */
export async function measureFirstByte<Name extends string>(
  targets: Record<Name, FirstByteTarget>,
  options: { warmupRequests: number; samples: number },
): Promise<Record<Name, FirstByteFigures>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const names = Object.keys(targets) as Name[];
  try {
    for (const name of names)
      for (let warmup = 0; warmup < options.warmupRequests; warmup += 1) await timeOneRequest(agent, targets[name]);
    const timings = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
    for (let sample = 0; sample < options.samples; sample += 1)
      for (const name of names) timings[name].push(await timeOneRequest(agent, targets[name]));
    return Object.fromEntries(
      names.map((name) => {
        const sorted = Float64Array.from(timings[name]).sort();
        return [name, { medianMs: median(timings[name]), p90Ms: percentile(sorted, 90), samples: sorted.length }];
      }),
    ) as Record<Name, FirstByteFigures>;
  } finally {
    agent.destroy();
  }
}
