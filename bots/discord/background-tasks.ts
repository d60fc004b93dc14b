/**
 * Work started after Discord already has its answer (the command behind a deferred reply).
 * Kept so stop() and tests can wait for it instead of leaving it dangling.
 */
export function createBackgroundTasks() {
  const running = new Set<Promise<void>>();
  return {
    run(task: () => Promise<void>) {
      const promise = task().finally(() => running.delete(promise));
      running.add(promise);
    },
    /** Resolves once nothing is running, including tasks started while waiting. */
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type BackgroundTasks = ReturnType<typeof createBackgroundTasks>;
