/** The queue that delivers outbound messages; its jobs carry only the message's uuid. */
export const SENDS_QUEUE = 'sends';
export const SEND_MESSAGE_JOB = 'send-message';

export interface SendMessageJobData {
  chat_uuid: string;
}

/**
 * One job per try of a message: a user's retry is a new run (`…-r1`, `…-r2`), while a replayed
 * request or boot-time recovery of the same try can never send twice.
 */
export function sendJobId(chatUuid: string, retries: number): string {
  return retries === 0 ? `send-${chatUuid}` : `send-${chatUuid}-r${retries}`;
}

/** A provider that did not answer is tried again this many times (with backoff) before failing. */
export const SEND_ATTEMPTS = 3;
export const SEND_BACKOFF_MS = 2_000;
