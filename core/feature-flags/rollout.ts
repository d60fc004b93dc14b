import { createHash } from 'node:crypto';

export const rolloutModes = ['off', 'allow_list', 'percentage', 'on'] as const;
export type RolloutMode = (typeof rolloutModes)[number];

export interface RolloutState {
  mode: RolloutMode;
  allowList: string[];
  /** 0–100. */
  percentage: number;
}

/**
 * The member's bucket, 0–99, from a hash of the flag and the user id: stable across processes
 * and restarts (a member never flickers in and out), and different per flag, so the same
 * members are not always the first to try everything.
 */
export function rolloutBucket(flagKey: string, userId: string): number {
  return createHash('sha256').update(`${flagKey}:${userId}`).digest().readUInt32BE(0) % 100;
}

/** Anonymous visitors only see a feature once it is on for everyone. */
export function rolloutIncludes(flagKey: string, state: RolloutState, userId: string | undefined): boolean {
  switch (state.mode) {
    case 'on':
      return true;
    case 'off':
      return false;
    case 'allow_list':
      return userId !== undefined && state.allowList.includes(userId);
    case 'percentage':
      return userId !== undefined && rolloutBucket(flagKey, userId) < state.percentage;
  }
}
