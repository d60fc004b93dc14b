import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopBenchChild } from './bench-child.js';
import type { BenchCoreSpec } from './bench-core.js';
import type { BenchServerCpu, BenchServerReady } from './bench-server-protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(here, '..', '..');

export interface BenchServerProcess {
  baseUrl: string;
  userId: string;
  /** The server process's CPU time so far (user + system), microseconds. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks bench-server.ts under tsx and waits until it listens (or fails). */
export async function startBenchServer(
  spec: BenchCoreSpec,
  options: { cpuProfileDir?: string | undefined } = {},
): Promise<BenchServerProcess> {
  const execArgv = ['--import', 'tsx'];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`);
  }
  const child = fork(path.join(here, 'bench-server.ts'), [JSON.stringify(spec)], {
    cwd: repositoryRoot,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<BenchServerReady>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`the bench server exited before listening (code ${code}, signal ${signal})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.on('message', (message: BenchServerReady) => {
      if (message?.type !== 'ready') return;
      child.off('exit', onExit);
      resolve(message);
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${ready.port}`,
    userId: ready.userId,
    cpuMicros: () =>
      new Promise<number>((resolve, reject) => {
        const onExit = () => reject(new Error('the bench server exited during the run'));
        const onMessage = (message: BenchServerCpu) => {
          if (message?.type !== 'cpu') return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message.micros);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send('cpu', (error) => error && reject(error));
      }),
    stop: () => stopBenchChild(child),
  };
}
