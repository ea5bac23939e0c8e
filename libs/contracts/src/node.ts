// Node-only entry: helpers that need node:crypto, shared by server, engine and migrations.
export * from './hmac-signature';
export * from './secret-box';
