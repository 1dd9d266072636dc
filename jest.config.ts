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
