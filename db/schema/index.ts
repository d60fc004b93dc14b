export * from './audit.js';
export * from './billing.js';
export * from './catalog.js';
export * from './ledger.js';
export * from './payment-events.js';
export * from './sandbox.js';
export * from './users.js';
