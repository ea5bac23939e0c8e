import {
  deleteRedisKeys,
  recordingLogger,
  TEST_REDIS_URL,
  uniqueName,
} from '../testing/driver-test-utils';
import {
  coordinationStoreContract,
  type CoordinationStoreHarness,
} from './coordination-store.contract';
import { InProcessCoordinationStore } from './in-process-coordination-store';
import { RedisCoordinationStore } from './redis-coordination-store';

const inProcess: CoordinationStoreHarness = {
  driver: 'in-process',
  create: () => new InProcessCoordinationStore(),
  cleanup: () => Promise.resolve(),
};

function redis(redisUrl: string): CoordinationStoreHarness {
  const prefixes: string[] = [];
  return {
    driver: 'redis',
    create: () => {
      const keyPrefix = `${uniqueName('coord')}:`;
      prefixes.push(keyPrefix);
      return new RedisCoordinationStore({ redisUrl, keyPrefix, logger: recordingLogger() });
    },
    cleanup: async () => {
      await Promise.all(
        prefixes.splice(0).map((prefix) => deleteRedisKeys(redisUrl, `${prefix}*`)),
      );
    },
  };
}

// The Redis variant runs only where TEST_REDIS_URL is set (CI); the embedded run has no Redis.
const harnesses = [inProcess, ...(TEST_REDIS_URL ? [redis(TEST_REDIS_URL)] : [])];

describe.each(harnesses.map((harness) => [harness.driver, harness] as const))(
  'CoordinationStore contract: %s',
  (_driver, harness) => coordinationStoreContract(harness),
);
