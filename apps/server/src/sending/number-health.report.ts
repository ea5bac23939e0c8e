import { HEALTHY_SCORE, type NumberHealthView } from '@switchboard/contracts';

const COLUMNS: Array<[string, (view: NumberHealthView) => string]> = [
  ['WORKSPACE', (v) => String(v.workspace_id)],
  ['NUMBER', (v) => v.phone_number ?? `(${v.session_uuid.slice(0, 8)})`],
  ['PROVIDER', (v) => v.provider_type],
  ['STATUS', (v) => v.status],
  ['HEALTH', (v) => `${v.health_score}${v.health_score < HEALTHY_SCORE ? ' !' : ''}`],
  ['SENT 24H', (v) => String(v.sends_24h)],
  ['FAILED 24H', (v) => String(v.failures_24h)],
  ['DROPS 24H', (v) => String(v.disconnects_24h)],
];

/** The `numbers:health` table: one line per number, unhealthy scores marked with `!`. */
export function formatHealthReport(views: NumberHealthView[]): string {
  if (views.length === 0) return 'no active numbers\n';
  const cells = [
    COLUMNS.map(([title]) => title),
    ...views.map((v) => COLUMNS.map(([, f]) => f(v))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const lines = cells.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const unhealthy = views.filter((v) => v.health_score < HEALTHY_SCORE).length;
  lines.push('', `${views.length} numbers, ${unhealthy} below ${HEALTHY_SCORE}`);
  return `${lines.join('\n')}\n`;
}
