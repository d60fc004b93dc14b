import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatApiKeyBench, runApiKeyBench } from './bench/api-key-bench.js';
import { newBenchSecrets } from './bench/bench-core.js';
import { readBenchOptions } from './bench/bench-options.js';
import { benchTargets, provisionDatabase } from './bench/bench-targets.js';
import { formatBotBench, runBotCommandBench } from './bench/bot-command-bench.js';
import { runEntitlementCheckBench } from './bench/entitlement-check-bench.js';
import { describeNoise, watchMachineLoad } from './bench/machine-load.js';
import { formatPageBench, runPageBench } from './bench/page-bench.js';
import {
  formatEntitlementCheck,
  formatSettings,
  formatTargetHeading,
  formatWebhookIngest,
  type TargetResult,
  writeJsonReport,
} from './bench/report.js';
import { formatSignalFanout, runSignalFanoutBench } from './bench/signal-fanout-bench.js';
import { formatSignalsApiBench, runSignalsApiBench } from './bench/signals-api-bench.js';
import { runWebhookIngestBench } from './bench/webhook-ingest-bench.js';

/**
 * `npm run bench`: speed targets as ratios against baselines measured in the same run (see
 * scripts/bench/). A missed target is reported, not failed: the exit code is non-zero only when
 * the bench itself could not run. BENCH_* variables are described in scripts/bench/bench-options.ts.
 */
const reportFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench-results', 'latest.json');

const options = readBenchOptions();
const started = performance.now();
const machine = watchMachineLoad();
const results: TargetResult[] = [];
console.log(formatSettings(options));
for (const target of benchTargets(options)) {
  console.log(formatTargetHeading(target));
  const database = await provisionDatabase(target);
  const result: TargetResult = { target };
  results.push(result);
  try {
    const spec = { databaseUrl: database.url, redisUrl: target.redisUrl, ...newBenchSecrets() };
    // One after the other, never together: each bench gets the whole machine.
    if (options.only === undefined || options.only === 'check') {
      result.entitlementCheck = await runEntitlementCheckBench(spec, options);
      console.log(formatEntitlementCheck(result.entitlementCheck, options));
    }
    if (options.only === undefined || options.only === 'ingest') {
      result.webhookIngest = await runWebhookIngestBench(spec, options);
      console.log(formatWebhookIngest(result.webhookIngest));
    }
    if (options.only === undefined || options.only === 'bots') {
      result.botCommands = await runBotCommandBench(spec, options.bots);
      console.log(formatBotBench(result.botCommands));
    }
    if (options.only === undefined || options.only === 'apikeys') {
      result.apiKeys = await runApiKeyBench(spec, options);
      console.log(formatApiKeyBench(result.apiKeys, options));
    }
    if (options.only === undefined || options.only === 'signalsapi') {
      result.signalsApi = await runSignalsApiBench(spec, options);
      console.log(formatSignalsApiBench(result.signalsApi, options));
    }
    if (options.only === undefined || options.only === 'signals') {
      result.signalFanout = await runSignalFanoutBench(spec, options.signals);
      console.log(formatSignalFanout(result.signalFanout));
    }
    if (options.only === undefined || options.only === 'pages') {
      result.pages = await runPageBench(spec);
      console.log(formatPageBench(result.pages));
    }
  } finally {
    await database.drop();
  }
}
const elapsedMs = performance.now() - started;
const machineLoad = machine.stop();
const noise = describeNoise(machineLoad);
if (noise) console.log(noise);
writeJsonReport(reportFile, options, results, { elapsedMs, machineLoad });
console.log(`(${(elapsedMs / 1000).toFixed(0)} s; written to ${path.relative(process.cwd(), reportFile)})`);
