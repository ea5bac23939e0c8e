import { spawn } from 'node:child_process';
import { waitFor } from '@switchboard/testing';
import { processTable, processTreePssBytes } from './process-tree-memory';

describe('processTreePssBytes', () => {
  it('counts a process and its children, more than the process alone', async () => {
    // A parent holding 64 MiB with a child holding 64 MiB of its own.
    const hold = 'const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => b[0]++, 1000);';
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `${hold} require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(hold)}], { stdio: 'inherit' }); console.log('up');`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    try {
      await new Promise((resolve) => parent.stdout.once('data', resolve));
      // The child allocates after it starts; there is no event for that, so poll.
      await waitFor(
        async () => ((await processTreePssBytes(parent.pid!)) ?? 0) > 128 * 1024 * 1024,
        'the tree to hold both buffers',
      );
    } finally {
      process.kill(-parent.pid!, 'SIGKILL');
    }
  });

  it('answers null for a process that does not exist', async () => {
    expect(await processTreePssBytes(2 ** 22 + 12345)).toBeNull();
  });

  it('reads a process table it is given, to share one read among many trees', async () => {
    const table = await processTable();
    expect(await processTreePssBytes(process.pid, table)).toBeGreaterThan(0);
    // Not in the table given (a process started after it was read): not counted this time.
    expect(await processTreePssBytes(process.pid, new Map())).toBeNull();
  });
});
