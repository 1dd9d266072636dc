import type { Config } from 'jest';

/**
 * One jest run over every project (API libs against real PostgreSQL, the console in jsdom), with coverage
 * thresholds that fail the run: API ≥ 80% of lines, console ≥ 70%.
 */
const config: Config = {
  projects: ['<rootDir>/apps/*/jest.config.cts', '<rootDir>/libs/*/*/jest.config.cts'],
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
