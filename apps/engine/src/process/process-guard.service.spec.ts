import pino from 'pino';
import { ProcessGuardService } from './process-guard.service';

describe('ProcessGuardService', () => {
  it('logs a rejection nobody handled instead of letting it crash the engine', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(line) });
    const sut = new ProcessGuardService(logger);
    const before = process.listenerCount('unhandledRejection');
    sut.onModuleInit();
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);

    // What Node does with a rejection nobody handled; with a listener it does not crash.
    process.emit(
      'unhandledRejection',
      new Error('Protocol error (Runtime.callFunctionOn): Target closed'),
      Promise.resolve(),
    );

    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        msg: 'unhandled promise rejection contained',
        err: expect.objectContaining({ message: expect.stringContaining('Target closed') }),
      }),
    ]);
    sut.onModuleDestroy();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
