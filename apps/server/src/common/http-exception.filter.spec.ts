import { type ArgumentsHost } from '@nestjs/common';
import pino from 'pino';
import { QueryFailedError } from 'typeorm';
import { AppException } from './app.exception';
import { HttpExceptionFilter } from './http-exception.filter';

function respond(exception: unknown): { status: number; body: unknown } {
  const sut = new HttpExceptionFilter(pino({ level: 'silent' }));
  const result = { status: 0, body: undefined as unknown };
  const response = {
    headersSent: false,
    status(code: number) {
      result.status = code;
      return this;
    },
    json(payload: unknown) {
      result.body = payload;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ path: '/x' }) }),
  } as unknown as ArgumentsHost;
  sut.catch(exception, host);
  return result;
}

describe('HttpExceptionFilter', () => {
  it('answers a unique-key violation that raced past a service check with 409, on both engines', () => {
    for (const code of ['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE']) {
      const error = new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code }));
      expect(respond(error)).toEqual({
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'A record with these values already exists' } },
      });
    }
  });

  it('keeps other database failures a 500 that reveals nothing', () => {
    const error = new QueryFailedError(
      'SELECT',
      [],
      Object.assign(new Error('gone'), { code: 'ECONNRESET' }),
    );
    expect(respond(error)).toEqual({
      status: 500,
      body: {
        error: {
          code: 'INTERNAL',
          message: 'Something went wrong on our side; it has been logged',
        },
      },
    });
  });

  it('passes an AppException through with its code and details', () => {
    expect(respond(AppException.conflict('taken', { phone: '+62' }))).toEqual({
      status: 409,
      body: { error: { code: 'CONFLICT', message: 'taken', details: { phone: '+62' } } },
    });
  });
});
