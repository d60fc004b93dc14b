/** Job names and ids of the signal fan-out (handlers are registered in core/index.ts). */
export const planSignalFanoutJob = 'signals.plan_fanout';
export const deliverSignalJob = 'signals.deliver';

export const planJobId = (signalId: string) => `signal-plan-${signalId}`;
