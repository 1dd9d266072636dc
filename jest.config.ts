import type { Config } from 'jest';

/**
 * One jest run over every project (API libs against real PostgreSQL, the console in jsdom), with coverage
 * thresholds that fail the run: API ≥ 80% of lines, console ≥ 70%.
 */
const config: Config = {
  projects: ['<rootDir>/apps/*/jest.config.cts', '<rootDir>/libs/*/*/jest.config.cts'],
  // Integration suites build a Nest app on a fresh database (2–6 s, more on a busy 2-core machine): hooks and tests
  // get 30 s before jest calls them stuck (a global option: project presets cannot set it). Timing targets live in
  // the benchmarks, not here.
  testTimeout: 30_000,
  // On 2 cores jest runs every file in its main process (one worker or less), where what each file leaves behind
  // adds up: CI died at Node's 4 GB heap limit. Setting this makes jest use a worker even on 2 cores, recycled once
  // it holds more than this after a file (peak RSS of the whole run measured at 1.9 GB).
  workerIdleMemoryLimit: '1536MB',
  coverageDirectory: '<rootDir>/coverage',
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: {
    global: {},
    './libs/api/': { lines: 80 },
    './apps/api/': { lines: 80 },
    './apps/admin/': { lines: 70 },
    './libs/admin/': { lines: 70 },
    // The cost engine prices every call: it is the most tested code in the repository.
    './libs/shared/': { lines: 95 },
  },
};

export default config;
