/**
 * Runs work for one key at a time: a call while one runs waits for it and then runs once
 * more (the state may have changed meanwhile); calls arriving while that second run waits
 * share it. Two reconciles of one member therefore never interleave, and a burst collapses.
 */
export function createSingleFlightPerKey<T>() {
  const entries = new Map<string, { tail: Promise<unknown>; waiting: Promise<T> | undefined }>();

  return function run(key: string, work: () => Promise<T>): Promise<T> {
    const entry = entries.get(key);
    if (entry?.waiting) return entry.waiting;
    const current = entry ?? { tail: Promise.resolve() as Promise<unknown>, waiting: undefined };
    const previous = current.tail;
    const mine: Promise<T> = previous
      .catch(() => undefined)
      .then(() => {
        if (current.waiting === mine) current.waiting = undefined;
        return work();
      });
    current.waiting = mine;
    current.tail = mine;
    entries.set(key, current);
    const forget = () => {
      if (current.tail === mine) entries.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  };
}
