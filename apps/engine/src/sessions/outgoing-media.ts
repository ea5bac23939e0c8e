import { basename } from 'node:path';
import type { SendMediaSource } from '@switchboard/contracts';
import { EngineException } from '../common/engine.exception';
import type { OutgoingMedia } from '../whatsapp/whatsapp-client.port';

const FETCH_TIMEOUT_MS = 30_000;

/** The bytes of a media send: given inline as base64, or fetched from a URL by the engine. */
export async function loadOutgoingMedia(
  source: SendMediaSource,
  limitBytes: number,
): Promise<OutgoingMedia> {
  if ('base64' in source) {
    return {
      mimetype: source.mimetype,
      base64: source.base64,
      ...(source.filename ? { filename: source.filename } : {}),
    };
  }
  let response: Response;
  try {
    response = await fetch(source.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw EngineException.invalid(
      `The media URL could not be fetched: ${error instanceof Error ? error.message : 'failed'}`,
    );
  }
  if (!response.ok) throw EngineException.invalid(`The media URL answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limitBytes)
    throw EngineException.invalid(`The media is larger than ${limitBytes} bytes`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > limitBytes)
    throw EngineException.invalid(`The media is larger than ${limitBytes} bytes`);
  const mimetype =
    source.mimetype ??
    response.headers.get('content-type')?.split(';')[0]?.trim() ??
    'application/octet-stream';
  const filename = source.filename ?? (basename(new URL(source.url).pathname) || undefined);
  return { mimetype, base64: bytes.toString('base64'), ...(filename ? { filename } : {}) };
}
