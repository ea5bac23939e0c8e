import { recordingLogger, TEST_REDIS_URL, uniqueName } from '../testing/driver-test-utils';
import { InMemoryFanout } from './in-memory-fanout';
import { realtimeFanoutContract, type RealtimeFanoutHarness } from './realtime-fanout.contract';
import { RedisFanout } from './redis-fanout';

const inMemory: RealtimeFanoutHarness = {
  driver: 'in-memory',
  createCluster: () => {
    const shared = new InMemoryFanout(); // one bus: every node attaches to the same fanout
    return { fanoutForNode: () => shared, close: () => shared.close() };
  },
};

function redis(redisUrl: string): RealtimeFanoutHarness {
  return {
    driver: 'redis',
    createCluster: () => {
      const channelPrefix = uniqueName('fanout'); // pub/sub only: nothing to delete afterwards
      return {
        fanoutForNode: () =>
          new RedisFanout({ redisUrl, channelPrefix, logger: recordingLogger() }),
        close: () => Promise.resolve(),
      };
    },
  };
}

// The Redis variant runs only where TEST_REDIS_URL is set (CI); the embedded run has no Redis.
const harnesses = [inMemory, ...(TEST_REDIS_URL ? [redis(TEST_REDIS_URL)] : [])];

describe.each(harnesses.map((harness) => [harness.driver, harness] as const))(
  'RealtimeFanout contract: %s',
  (_driver, harness) => realtimeFanoutContract(harness),
);
