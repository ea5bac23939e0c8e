import type { IncomingMessage } from 'node:http';

/** A request whose JSON body parser kept the exact bytes, for signature checks. */
export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };
