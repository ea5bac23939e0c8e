import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetaGraphClient, MetaGraphError } from './meta-graph.client';

/** A Graph stand-in for what the fake Graph API never does: hang, or answer like a proxy. */
class ScriptedGraph {
  readonly seen: Array<{ url: string; authorization: string | undefined; body: string }> = [];
  private server: Server | null = null;
  origin = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void readAll(req).then((body) => {
        this.seen.push({ url: req.url ?? '', authorization: req.headers.authorization, body });
        if (req.url?.includes('/hang')) return; // never answers
        if (req.url?.includes('/proxy')) {
          res.writeHead(502, { 'content-type': 'text/html' });
          res.end('<html>Bad Gateway</html>');
          return;
        }
        if (req.url?.includes('/relay')) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ error: { message: '(#131056) pair rate limit hit', code: '131056' } }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('MetaGraphClient', () => {
  const graph = new ScriptedGraph();
  let sut: MetaGraphClient;

  beforeAll(async () => {
    await graph.start();
    sut = new MetaGraphClient({ baseUrl: graph.origin, defaultVersion: 'v21.0', timeoutMs: 5_000 });
  });
  afterAll(() => graph.stop());

  it('sends the token as a bearer header only, under the version, segments encoded', async () => {
    await expect(
      sut.request({
        method: 'POST',
        path: ['10 65', 'messages'],
        token: 'EAA-secret',
        query: { fields: 'a,b' },
        json: { hello: 'world' },
      }),
    ).resolves.toEqual({ ok: true });

    const seen = graph.seen.at(-1)!;
    expect(seen.url).toBe('/v21.0/10%2065/messages?fields=a%2Cb');
    expect(seen.authorization).toBe('Bearer EAA-secret');
    expect(seen.body).toBe('{"hello":"world"}');
  });

  it('gives up after its timeout', async () => {
    const impatient = new MetaGraphClient({
      baseUrl: graph.origin,
      defaultVersion: 'v21.0',
      timeoutMs: 300,
    });

    const error = await impatient
      .request({ method: 'GET', path: ['hang'], token: 't' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MetaGraphError);
    expect(error).toMatchObject({ httpStatus: null, graph: null, timedOut: true });
    expect((error as Error).message).toBe('the Graph API did not answer within 300 ms');
  });

  it('keeps the HTTP status of an answer that is not Graph JSON', async () => {
    const error = await sut
      .request({ method: 'GET', path: ['proxy'], token: 't' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      httpStatus: 502,
      graph: null,
      message: 'the Graph API answered HTTP 502',
    });
  });

  it('reads an error code sent as a string', async () => {
    const error = await sut
      .request({ method: 'GET', path: ['relay'], token: 't' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      httpStatus: 400,
      graph: { code: 131056, message: '(#131056) pair rate limit hit', details: null },
    });
  });

  it('refuses a version that is not one path segment', async () => {
    await expect(
      sut.request({ method: 'GET', version: '../v1', path: ['x'], token: 't' }),
    ).rejects.toThrow(/must look like v21.0/);
  });
});
