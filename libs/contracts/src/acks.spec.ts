import { isForwardStatus, statusFromWebJsAck } from './acks';

describe('message status order', () => {
  it('maps whatsapp-web.js acks without the off-by-one Blazz had', () => {
    expect([-1, 0, 1, 2, 3, 4].map(statusFromWebJsAck)).toEqual([
      'failed',
      'pending',
      'sent',
      'delivered',
      'read',
      'played',
    ]);
    expect(() => statusFromWebJsAck(9)).toThrow(RangeError);
  });

  it('only ever moves forward', () => {
    expect(isForwardStatus('sent', 'delivered')).toBe(true);
    expect(isForwardStatus('read', 'delivered')).toBe(false);
    expect(isForwardStatus('delivered', 'delivered')).toBe(false);
    expect(isForwardStatus('pending', 'failed')).toBe(true);
    expect(isForwardStatus('delivered', 'failed')).toBe(false);
    expect(isForwardStatus('failed', 'read')).toBe(false);
  });
});
