export * from './test-database';
export * from './blazz-fixture';
export * from './fake-pusher/fake-pusher.service';
export * from './wait-for';
export * from './fake-whatsapp-web/fake-whatsapp-web';
export * from './fake-whatsapp-web/fake-whatsapp-web.options';
export type {
  FakeMessageAck,
  FakeSocketState,
} from './fake-whatsapp-web/fake-whatsapp-web.protocol';
export * from './fake-whatsapp-client';
export * from './fake-meta-graph/fake-meta-graph';
export * from './fake-meta-graph/fake-meta-graph.types';
export * from './processes';
