import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  EngineErrorCode,
  SessionErrorReason,
  type EngineSessionView,
} from '@switchboard/contracts';
import { verifySignedRequest } from '@switchboard/contracts/node';
import { freeLoopbackPort } from '@switchboard/testing';
import { loadConfig } from '../config/app-config';
import { EngineCommandError, EngineCommandsClient } from './engine-commands.client';

const SECRET = 's'.repeat(40);

interface Received {
  method: string;
  url: string;
  body: string;
  signature: ReturnType<typeof verifySignedRequest>;
}

/** A stand-in engine on loopback: checks signatures as the engine's guard does. */
async function standInEngine(
  answer: (req: Received, res: ServerResponse) => void,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const entry: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        signature: verifySignedRequest(SECRET, req.headers, body),
      };
      received.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function clientFor(env: Record<string, string>, timeoutMs?: number): EngineCommandsClient {
  const config = loadConfig(
    { NODE_ENV: 'test', ENCRYPTION_KEY: 'c'.repeat(64), ENGINE_SECRET: SECRET, ...env },
    { adminDistDir: '/nonexistent' },
  );
  return new EngineCommandsClient(config, timeoutMs ? { timeoutMs } : undefined);
}

const VIEW: EngineSessionView = {
  session_id: 'wa_0123456789ab',
  engine_id: 'engine-a',
  status: 'initializing',
  reason: null,
  phone: null,
  wid: null,
  qr: null,
  pairing_code: null,
};

describe('EngineCommandsClient', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function engine(answer: (req: Received, res: ServerResponse) => void) {
    const stand = await standInEngine(answer);
    servers.push(stand.server);
    return stand;
  }

  it('sends signed commands to the engine route and returns its answer', async () => {
    const stand = await engine((_req, res) => json(res, 202, VIEW));
    const sut = clientFor({ ENGINE_URL: stand.url });

    await expect(sut.startSession('wa_0123456789ab')).resolves.toEqual(VIEW);
    await expect(sut.logoutSession('wa_0123456789ab')).resolves.toEqual(VIEW);

    expect(stand.received.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'POST /sessions/wa_0123456789ab/start {}',
      'POST /sessions/wa_0123456789ab/logout ',
    ]);
    for (const request of stand.received) expect(request.signature.ok).toBe(true);
  });

  it('turns an engine error into the matching API error, keeping the engine code', async () => {
    const answers: Array<[number, EngineErrorCode, number]> = [
      [404, EngineErrorCode.SESSION_NOT_FOUND, 409],
      [409, EngineErrorCode.INVALID_SESSION_STATE, 409],
      [429, EngineErrorCode.ENGINE_FULL, 503],
      [422, EngineErrorCode.NOT_SUPPORTED, 422],
      [401, EngineErrorCode.UNAUTHENTICATED, 502],
      [502, EngineErrorCode.PROVIDER_ERROR, 502],
    ];
    let next = 0;
    const stand = await engine((_req, res) => {
      const [status, code] = answers[next++]!;
      json(res, status, { error: { code, message: `engine says ${code}` } });
    });
    const sut = clientFor({ ENGINE_URL: stand.url });

    for (const [, code, apiStatus] of answers) {
      const error = (await sut.restartSession('wa_x').catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(EngineCommandError);
      const commandError = error as EngineCommandError;
      expect(commandError.engineCode).toBe(code);
      expect(commandError.sessionNotFound).toBe(code === EngineErrorCode.SESSION_NOT_FOUND);
      const api = commandError.toAppException();
      expect({ code, status: api.getStatus() }).toEqual({ code, status: apiStatus });
      expect(api.details).toMatchObject({
        reason: SessionErrorReason.ENGINE_ERROR,
        engine_code: code,
      });
    }
  });

  it('gives up after its timeout and reports the engine unavailable', async () => {
    // Never answers.
    const stand = await engine(() => undefined);
    const sut = clientFor({ ENGINE_URL: stand.url }, 200);
    const started = Date.now();
    const error = (await sut.stopSession('wa_x').catch((e: unknown) => e)) as EngineCommandError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.engineCode).toBeNull();
    expect(error.message).toMatch(/no answer within 200 ms/);
    expect(error.toAppException().getStatus()).toBe(503);
    expect(error.toAppException().details).toEqual({
      reason: SessionErrorReason.ENGINE_UNAVAILABLE,
    });
  });

  it('reports an engine that refuses connections, or none configured, as unavailable', async () => {
    const closed = clientFor({ ENGINE_URL: `http://127.0.0.1:${await freeLoopbackPort()}` });
    const refused = (await closed.startSession('wa_x').catch((e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(EngineCommandError);
    expect((refused as EngineCommandError).engineCode).toBeNull();

    const none = clientFor({ LOCAL_ENGINE: 'false' });
    expect(none.baseUrl).toBeNull();
    await expect(none.startSession('wa_x')).rejects.toThrow(/no engine is configured/);
  });

  it('talks to the local engine on ENGINE_PORT when it runs one', () => {
    expect(clientFor({ LOCAL_ENGINE: 'true', ENGINE_PORT: '3999' }).baseUrl).toBe(
      'http://127.0.0.1:3999',
    );
    expect(clientFor({ ENGINE_URL: 'http://engine.internal:3100/' }).baseUrl).toBe(
      'http://engine.internal:3100',
    );
  });
});
