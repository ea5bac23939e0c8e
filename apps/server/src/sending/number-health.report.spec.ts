import type { NumberHealthView } from '@switchboard/contracts';
import { formatHealthReport } from './number-health.report';
import { healthScore } from './number-health.service';

const view = (overrides: Partial<NumberHealthView>): NumberHealthView => ({
  session_uuid: '5b0c1f7e-0000-4000-8000-000000000001',
  workspace_id: 1,
  phone_number: '+6281234567890',
  provider_type: 'webjs',
  status: 'connected',
  health_score: 100,
  sends_24h: 12,
  failures_24h: 0,
  disconnects_24h: 0,
  last_activity_at: null,
  ...overrides,
});

describe('healthScore', () => {
  const base = { connected: true, sends24h: 0, failures24h: 0, disconnects24h: 0 };

  it('is 100 for a connected number with nothing against it', () => {
    expect(healthScore(base)).toBe(100);
  });

  it('takes 50 off a number that is not connected, and 10 per drop up to 30', () => {
    expect(healthScore({ ...base, connected: false })).toBe(50);
    expect(healthScore({ ...base, disconnects24h: 2 })).toBe(80);
    expect(healthScore({ ...base, disconnects24h: 9 })).toBe(70);
  });

  it('judges failures by their share once a number has sent enough, at most 30', () => {
    expect(healthScore({ ...base, sends24h: 100, failures24h: 5 })).toBe(95);
    expect(healthScore({ ...base, sends24h: 100, failures24h: 90 })).toBe(70);
    expect(healthScore({ ...base, sends24h: 2, failures24h: 1 })).toBe(90);
  });

  it('never goes below 0', () => {
    expect(
      healthScore({ connected: false, sends24h: 10, failures24h: 10, disconnects24h: 5 }),
    ).toBe(0);
  });
});

describe('formatHealthReport', () => {
  it('prints one aligned line per number and marks the unhealthy ones', () => {
    const report = formatHealthReport([
      view({}),
      view({ phone_number: null, provider_type: 'meta', status: 'disconnected', health_score: 40 }),
    ]);
    const lines = report.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WORKSPACE\s+NUMBER\s+PROVIDER\s+STATUS\s+HEALTH/);
    expect(lines[1]).toMatch(/\+6281234567890\s+webjs\s+connected\s+100\s+12\s+0\s+0$/);
    expect(lines[2]).toMatch(/\(5b0c1f7e\)\s+meta\s+disconnected\s+40 !/);
    expect(lines.at(-1)).toBe('2 numbers, 1 below 50');
  });

  it('says so when there is no number', () => {
    expect(formatHealthReport([])).toBe('no active numbers\n');
  });
});
