/**
 * Turns many single-row writes into a few multi-row ones without a timer: the first caller
 * writes at once, and whoever arrives while that write is running joins the next one. Under
 * load the batches grow by themselves; when idle each write goes alone, with no added wait.
 * Every caller gets its own result (or the batch's error) when its batch is done.
 */
export function createGroupCommit<Item, Result>(
  write: (items: Item[]) => Promise<Result[]>,
  options: { maxBatch?: number } = {},
) {
  const maxBatch = options.maxBatch ?? 500;
  let waiting: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  let writing = false;

  async function drain() {
    writing = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, maxBatch);
        waiting = waiting.slice(batch.length);
        try {
          const results = await write(batch.map((entry) => entry.item));
          for (const [index, entry] of batch.entries()) entry.resolve(results[index]!);
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  return (item: Item): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
