import { DriverErrorCode, DriverException } from '../driver.exception';

/** Redis PX only takes whole positive milliseconds; both stores refuse anything else alike. */
export function assertTtl(ttlMs: number, what = 'ttlMs'): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new DriverException(
      DriverErrorCode.INVALID_ARGUMENT,
      `${what} must be a positive integer of milliseconds, got ${ttlMs}`,
    );
  }
}

export function assertKey(key: string, what = 'key'): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new DriverException(DriverErrorCode.INVALID_ARGUMENT, `${what} must not be empty`);
  }
}
