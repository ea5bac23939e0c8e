import type { Socket } from 'socket.io';
import { cookieValue, sessionTokenForSubscription } from './echo-credentials';

const socketWith = (handshake: { auth?: unknown; headers?: Record<string, string> }): Socket =>
  ({ handshake: { auth: handshake.auth ?? {}, headers: handshake.headers ?? {} } }) as Socket;

describe('sessionTokenForSubscription', () => {
  it('prefers the bearer of the subscribe packet, then the handshake auth, header and cookie', () => {
    const socket = socketWith({
      auth: { headers: { Authorization: 'Bearer from-handshake-auth' } },
      headers: { authorization: 'Bearer from-header', cookie: 'sb_session=from-cookie' },
    });
    expect(
      sessionTokenForSubscription(socket, { headers: { authorization: 'Bearer from-packet' } }),
    ).toBe('from-packet');
    expect(sessionTokenForSubscription(socket, {})).toBe('from-handshake-auth');
    expect(
      sessionTokenForSubscription(
        socketWith({ headers: { authorization: 'Bearer h', cookie: 'sb_session=c' } }),
        undefined,
      ),
    ).toBe('h');
    expect(
      sessionTokenForSubscription(socketWith({ headers: { cookie: 'a=1; sb_session=c%3D' } }), 'x'),
    ).toBe('c=');
  });

  it('finds nothing in junk', () => {
    for (const auth of [
      null,
      'Bearer x',
      { headers: 'x' },
      { headers: { Authorization: 'Basic x' } },
    ]) {
      expect(sessionTokenForSubscription(socketWith({ auth }), auth)).toBeNull();
    }
    expect(cookieValue('sb_session=%E0%A4%A', 'sb_session')).toBeNull();
    expect(cookieValue('xsb_session=1', 'sb_session')).toBeNull();
  });
});
