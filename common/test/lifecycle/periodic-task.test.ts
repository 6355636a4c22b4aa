import { createLogger, startPeriodicTask } from '@ticketing/common';

const logger = createLogger('periodic-task-test', 'silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('runs on its interval, one pass at a time: a runOnce during a pass joins it', async () => {
  let started = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const task = startPeriodicTask({
    name: 'sweeper',
    intervalMs: 20,
    logger,
    onFailure: -1,
    run: async () => {
      started++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await sleep(50);
      concurrent--;
      return started;
    },
  });
  const [a, b] = await Promise.all([task.runOnce(), task.runOnce()]);
  expect(a).toBe(b); // the second call joined the first pass
  await sleep(150);
  await task.stop();
  expect(started).toBeGreaterThanOrEqual(2);
  expect(maxConcurrent).toBe(1);
});

test('a failing pass resolves with onFailure, and the next pass runs', async () => {
  let calls = 0;
  const task = startPeriodicTask({
    name: 'flaky',
    intervalMs: 60_000,
    logger,
    onFailure: 'failed',
    run: async () => {
      calls++;
      if (calls === 1) throw new Error('database restarting');
      return 'ok';
    },
  });
  expect(await task.runOnce()).toBe('failed');
  expect(await task.runOnce()).toBe('ok');
  await task.stop();
});

test('stop waits for the pass in progress, tells it to wind down, and no pass starts after', async () => {
  let sawStopping = false;
  let finished = false;
  let passes = 0;
  const task = startPeriodicTask({
    name: 'batches',
    intervalMs: 10,
    logger,
    onFailure: undefined,
    run: async ({ stopping }) => {
      passes++;
      for (let batch = 0; batch < 100 && !stopping(); batch++) await sleep(5);
      sawStopping = stopping();
      finished = true;
    },
  });
  void task.runOnce();
  await sleep(20);
  await task.stop();
  expect(finished).toBe(true);
  expect(sawStopping).toBe(true);
  const after = passes;
  await sleep(50);
  expect(passes).toBe(after);
});
