// `npm start`: install if needed, build the server, engine and admin SPA, then run the server.
import { spawn } from 'node:child_process';
import { ensureInstalled, run } from './ensure-install.mjs';

ensureInstalled();
if (process.env.SB_SKIP_BUILD !== '1') {
  console.log('Building…');
  run('npm', ['run', '--silent', 'build']);
}
const server = spawn(process.execPath, ['dist/apps/server/src/main.js'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
