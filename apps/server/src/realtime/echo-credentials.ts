import { SESSION_COOKIE } from '@switchboard/contracts';
import type { Socket } from 'socket.io';

/** `auth` of a subscribe packet, or the Socket.IO handshake `auth` (Echo sends its options.auth in both). */
interface EchoAuth {
  headers?: Record<string, unknown>;
}

/**
 * The session token for one subscription. Checked in order: `Authorization: Bearer` in the subscribe
 * packet's `auth.headers`, in the handshake `auth.headers`, as a handshake HTTP header, then the
 * `sb_session` cookie the browser sent with the handshake.
 */
export function sessionTokenForSubscription(socket: Socket, packetAuth: unknown): string | null {
  return (
    bearerFrom(packetAuth) ??
    bearerFrom(socket.handshake.auth) ??
    bearerFromHeader(socket.handshake.headers.authorization) ??
    cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE)
  );
}

function bearerFrom(auth: unknown): string | null {
  if (!auth || typeof auth !== 'object') return null;
  const headers = (auth as EchoAuth).headers;
  if (!headers || typeof headers !== 'object') return null;
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  return key ? bearerFromHeader(headers[key]) : null;
}

function bearerFromHeader(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('Bearer ')) return null;
  return value.slice(7).trim() || null;
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw) || null;
    } catch {
      return null;
    }
  }
  return null;
}
