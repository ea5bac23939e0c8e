/**
 * Delivery status of a message. The order is the order a message moves through;
 * a status only ever moves forward (`failed` is terminal and outside the order).
 */
export const MESSAGE_STATUSES = [
  'pending',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const FORWARD_ORDER: Record<Exclude<MessageStatus, 'failed'>, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
};

/** whatsapp-web.js `MessageAck`: -1 ERROR, 0 PENDING, 1 SERVER, 2 DEVICE, 3 READ, 4 PLAYED. */
export function statusFromWebJsAck(ack: number): MessageStatus {
  switch (ack) {
    case -1:
      return 'failed';
    case 0:
      return 'pending';
    case 1:
      return 'sent';
    case 2:
      return 'delivered';
    case 3:
      return 'read';
    case 4:
      return 'played';
    default:
      throw new RangeError(`unknown whatsapp-web.js ack ${ack}`);
  }
}

/** True when moving from `current` to `next` is a step forward. */
export function isForwardStatus(current: MessageStatus, next: MessageStatus): boolean {
  if (current === 'failed') return false;
  if (next === 'failed') return current === 'pending';
  return FORWARD_ORDER[next] > FORWARD_ORDER[current];
}
