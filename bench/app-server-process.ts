import { fork, type ChildProcess } from 'node:child_process';
import type { AppServerMessage } from './app-server';

export interface AppServer {
  url: string;
  adminEmail: string;
  process: ChildProcess;
  /** CPU milliseconds the server has used so far (user + system). */
  cpuMs(): Promise<number>;
}

/** Forks the bench's Switchboard server with these settings and waits until it listens. */
export function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const child = fork(require.resolve('./app-server'), [], {
    env: { ...process.env, BENCH_APP_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const cpuMs = () =>
    new Promise<number>((resolve) => {
      const listener = (message: AppServerMessage) => {
        if (message.type !== 'cpu') return;
        child.off('message', listener);
        resolve(message.ms);
      };
      child.on('message', listener);
      child.send({ type: 'cpu' });
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    child.once('message', (message: AppServerMessage) =>
      message.type === 'ready'
        ? resolve({ url: message.url, adminEmail: message.adminEmail, process: child, cpuMs })
        : reject(new Error(message.type === 'error' ? message.message : 'no ready message')),
    );
  });
}
