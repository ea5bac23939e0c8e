// An engine event as an engine sends it, for specs that post events to the server.
import { randomUUID } from 'node:crypto';
import type { EngineEvent } from '@switchboard/contracts';
import type { WhatsappSession } from '../src/sessions/whatsapp-session.entity';

let sequence = 0;

export function engineEvent<T extends EngineEvent['type']>(
  session: WhatsappSession,
  type: T,
  data: Extract<EngineEvent, { type: T }>['data'],
): EngineEvent {
  return {
    type,
    event_id: `evt-${randomUUID()}`,
    session_id: session.sessionId,
    engine_id: 'engine-a',
    sequence: (sequence += 1),
    occurred_at: new Date().toISOString(),
    data,
  } as EngineEvent;
}
