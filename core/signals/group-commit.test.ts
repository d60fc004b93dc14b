import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

describe('group commit', () => {
  it('callers that arrive during a write share the next write and each get their own result', async () => {
    const batches: number[][] = [];
    const double = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((item) => item * 2);
    });
    const results = await Promise.all([1, 2, 3, 4].map((item) => double(item)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('a failed write rejects only the callers in that batch', async () => {
    let calls = 0;
    const write = createGroupCommit(async (items: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('database away');
      return items;
    });
    const first = write('a');
    const second = write('b');
    await expect(first).rejects.toThrow('database away');
    await expect(second).resolves.toBe('b');
  });
});
