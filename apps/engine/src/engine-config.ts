/** Settings of an engine process, validated at boot. */
export interface EngineConfig {
  host: string;
  port: number;
  engineId: string;
  serverUrl: string;
  engineSecret: string;
  logLevel: string;
}

export class EngineConfigError extends Error {}

export function loadEngineConfig(env: Record<string, string | undefined>): EngineConfig {
  const problems: string[] = [];
  const port = Number(env.ENGINE_PORT ?? '3100');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push(`ENGINE_PORT must be a port number (got "${env.ENGINE_PORT}")`);
  const engineSecret = env.ENGINE_SECRET ?? '';
  if (engineSecret.length < 32)
    problems.push('ENGINE_SECRET must be set to at least 32 characters');
  const serverUrl = env.SERVER_URL ?? 'http://127.0.0.1:3000';
  if (!/^https?:\/\//.test(serverUrl))
    problems.push(`SERVER_URL must be an http(s) URL (got "${serverUrl}")`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    problems.push(`LOG_LEVEL is not a log level (got "${logLevel}")`);
  if (problems.length)
    throw new EngineConfigError(
      `Invalid engine configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return {
    host: env.ENGINE_HOST ?? '127.0.0.1',
    port,
    engineId: env.ENGINE_ID ?? `engine-${process.pid}`,
    serverUrl: serverUrl.replace(/\/$/, ''),
    engineSecret,
    logLevel,
  };
}
