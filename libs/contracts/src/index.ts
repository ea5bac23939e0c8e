// Browser-safe entry: names and shapes only. Node-only helpers are in `@switchboard/contracts/node`.
export * from './acks';
export * from './api';
export * from './engine';
export * from './engine-link';
export * from './errors';
export * from './inbox-api';
export * from './messages';
export * from './outbound';
export * from './phone-number';
export * from './platform';
export * from './realtime';
export * from './roles';
export * from './session-status';
export * from './sessions-api';
export * from './settings';
