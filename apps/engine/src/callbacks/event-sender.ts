import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ENGINE_EVENTS_PATH, type EngineEvent } from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG } from '../engine.tokens';

/** `delivered`: the server has it. `retry`: try again later. `rejected`: retrying cannot help. */
export type DeliveryOutcome =
  { kind: 'delivered' } | { kind: 'retry'; detail: string } | { kind: 'rejected'; detail: string };

/** Posts one event to the server, signed; each attempt carries its own request id. */
@Injectable()
export class EventSender {
  private readonly url: string;

  constructor(@Inject(ENGINE_CONFIG) private readonly config: EngineConfig) {
    this.url = `${config.serverUrl}${ENGINE_EVENTS_PATH}`;
  }

  async send(event: EngineEvent): Promise<DeliveryOutcome> {
    const body = JSON.stringify(event);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signRequest(this.config.engineSecret, body, randomUUID()),
        },
        body,
        signal: AbortSignal.timeout(this.config.callbacks.timeoutMs),
      });
    } catch (error) {
      return { kind: 'retry', detail: describeFetchError(error) };
    }
    // The body is not needed; reading it frees the connection for reuse.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { kind: 'delivered' };
    const detail = `HTTP ${response.status}`;
    if (response.status >= 500 || [408, 425, 429].includes(response.status))
      return { kind: 'retry', detail };
    return { kind: 'rejected', detail };
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? error.name;
}
