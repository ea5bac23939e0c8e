import { createHash, randomBytes } from 'node:crypto';
import { SESSION_COOKIE } from '@switchboard/contracts';
import type { Request } from 'express';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token from the httpOnly cookie (browsers) or an `Authorization: Bearer` header (API clients). */
export function sessionTokenFrom(request: Request): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  const cookies = request.cookies as Record<string, string | undefined> | undefined;
  return cookies?.[SESSION_COOKIE] ?? null;
}
