import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** CPU time counters of the whole machine (Linux /proc/stat), in clock ticks; undefined elsewhere. */
interface CpuTicks {
  total: number;
  idle: number;
  steal: number;
}

function readCpuTicks(): CpuTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal ...
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 8 || fields.some(Number.isNaN)) return undefined;
    return {
      total: fields.slice(0, 8).reduce((sum, value) => sum + value, 0),
      idle: (fields[3] ?? 0) + (fields[4] ?? 0),
      steal: fields[7] ?? 0,
    };
  } catch {
    return undefined;
  }
}

export interface MachineLoad {
  cores: number;
  loadAverageBefore: number;
  loadAverageAfter: number;
  /** Share of CPU time the hypervisor gave to someone else during the run (VMs), percent. */
  stealPercent: number | undefined;
}

/** Other work on the machine (or on the VM's host) skews wall-clock figures: measure how much. */
export function watchMachineLoad(): { stop(): MachineLoad } {
  const before = readCpuTicks();
  const loadAverageBefore = loadavg()[0] ?? 0;
  return {
    stop() {
      const after = readCpuTicks();
      const elapsed = before && after ? after.total - before.total : 0;
      return {
        cores: cpus().length,
        loadAverageBefore,
        loadAverageAfter: loadavg()[0] ?? 0,
        stealPercent: before && after && elapsed > 0 ? ((after.steal - before.steal) / elapsed) * 100 : undefined,
      };
    },
  };
}

/** A warning worth printing, or undefined when the machine was quiet enough to trust the figures. */
export function describeNoise(load: MachineLoad): string | undefined {
  const problems: string[] = [];
  if (load.loadAverageBefore > load.cores)
    problems.push(`load average ${load.loadAverageBefore.toFixed(1)} on ${load.cores} cores before the bench started`);
  if (load.stealPercent !== undefined && load.stealPercent >= 3)
    problems.push(`${load.stealPercent.toFixed(0)}% of CPU time stolen by the VM's host during the run`);
  if (problems.length === 0) return undefined;
  return `note: ${problems.join('; ')}: wall-clock figures and tails are noisy; the server-CPU ratio is steadier.`;
}
