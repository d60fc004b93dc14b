/**
 * Bounds the sends in flight in this process, overall and per endpoint, so one slow
 * receiver (up to the 10 s timeout per request) holds at most a few slots and never the
 * queue's workers: a job hands the send over and returns; when there is no room it says so
 * and the caller tries again shortly instead of waiting.
 */
export function createSendPool(limits: { total: number; perEndpoint: number }) {
  let inFlight = 0;
  const perEndpoint = new Map<string, number>();
  const running = new Set<Promise<void>>();

  return {
    hasRoom(endpointId: string) {
      return inFlight < limits.total && (perEndpoint.get(endpointId) ?? 0) < limits.perEndpoint;
    },
    /** Starts `send` if there is room; false when full (nothing started). */
    tryRun(endpointId: string, send: () => Promise<void>): boolean {
      if (!this.hasRoom(endpointId)) return false;
      inFlight += 1;
      perEndpoint.set(endpointId, (perEndpoint.get(endpointId) ?? 0) + 1);
      const task = send()
        .catch(() => {})
        .finally(() => {
          inFlight -= 1;
          const left = (perEndpoint.get(endpointId) ?? 1) - 1;
          if (left === 0) perEndpoint.delete(endpointId);
          else perEndpoint.set(endpointId, left);
          running.delete(task);
        });
      running.add(task);
      return true;
    },
    inFlight: () => inFlight,
    /** Resolves when every send started so far has finished (tests, shutdown). */
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

export type SendPool = ReturnType<typeof createSendPool>;
