export * from './test-database';
export * from './blazz-fixture';
export * from './fake-pusher/fake-pusher.service';
export * from './wait-for';
