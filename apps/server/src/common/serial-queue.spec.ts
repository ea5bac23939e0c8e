import { SerialQueue } from './serial-queue';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('SerialQueue', () => {
  it('runs work of one key in arrival order, other keys alongside, past failures', async () => {
    const queue = new SerialQueue<number>();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run(1, async () => {
      await gate.promise;
      order.push('1a');
      throw new Error('boom');
    });
    const second = queue.run(1, () => Promise.resolve(order.push('1b')));
    await queue.run(2, () => Promise.resolve(order.push('2a')));
    expect(order).toEqual(['2a']);

    gate.resolve();
    await expect(first).rejects.toThrow('boom');
    await second;
    expect(order).toEqual(['2a', '1a', '1b']);
  });
});
