import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCoreSpec } from './bench-core.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface BenchChild<Ready> {
  ready: Ready;
  stop(): Promise<void>;
}

/**
 * Forks a bench server entry (a file in scripts/bench/ that serves with serveBenchApp and sends
 * `{ type: 'ready', ... }`) under tsx, so the load generator in this process does not share the
 * server's event loop; waits until it listens or fails.
 */
export async function forkBenchChild<Ready extends { type: 'ready' }>(
  entryFile: string,
  spec: BenchCoreSpec,
  options: { cpuProfileDir?: string | undefined } = {},
): Promise<BenchChild<Ready>> {
  const execArgv = ['--import', 'tsx'];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`);
  }
  const child = fork(path.join(here, entryFile), [JSON.stringify(spec)], {
    cwd: path.resolve(here, '..', '..'),
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = () => stopBenchChild(child);
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${entryFile} exited before listening (${code})`)));
      child.on('message', (message: Ready) => {
        if (message?.type === 'ready') resolve(message);
      });
    });
    return { ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Asks for a clean shutdown (so a CPU profile gets written), then insists. */
export async function stopBenchChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop', (error) => {
    if (error) child.kill('SIGTERM');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
