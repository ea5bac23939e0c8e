export * from './test-database';
export * from './blazz-fixture';
