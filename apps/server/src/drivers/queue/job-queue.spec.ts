import {
  deleteRedisKeys,
  recordingLogger,
  TEST_REDIS_URL,
  uniqueName,
} from '../testing/driver-test-utils';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { jobQueueContract, type JobQueueHarness } from './job-queue.contract';

const inProcess: JobQueueHarness = {
  driver: 'in-process',
  create: (options) => new InProcessJobQueue({ ...options, logger: recordingLogger() }),
  cleanup: () => Promise.resolve(),
};

function bullMq(redisUrl: string): JobQueueHarness {
  const prefixes: string[] = [];
  return {
    driver: 'bullmq',
    create: (options) => {
      const prefix = uniqueName('bull');
      prefixes.push(prefix);
      return new BullMqJobQueue({ ...options, redisUrl, prefix, logger: recordingLogger() });
    },
    cleanup: async () => {
      await Promise.all(
        prefixes.splice(0).map((prefix) => deleteRedisKeys(redisUrl, `${prefix}:*`)),
      );
    },
  };
}

// The Redis variant runs only where TEST_REDIS_URL is set (CI); the embedded run has no Redis.
const harnesses = [inProcess, ...(TEST_REDIS_URL ? [bullMq(TEST_REDIS_URL)] : [])];

describe.each(harnesses.map((harness) => [harness.driver, harness] as const))(
  'JobQueue contract: %s',
  (_driver, harness) => jobQueueContract(harness),
);
