import type { Config } from 'jest';

/**
 * One jest run over every project (API libs against real PostgreSQL, the console in jsdom), with coverage
 * thresholds that fail the run: API ≥ 80% of lines, console ≥ 70%.
 */
const config: Config = {
  projects: ['<rootDir>/apps/*/jest.config.cts', '<rootDir>/libs/*/*/jest.config.cts'],
  collectCoverageFrom: [
    '<rootDir>/apps/api/src/**/*.ts',
    '<rootDir>/libs/api/*/src/**/*.ts',
    '<rootDir>/apps/admin/src/**/*.ts',
    '<rootDir>/libs/admin/*/src/**/*.ts',
    '!**/*.spec.ts',
    '!**/*.d.ts',
    '!**/index.ts',
    '!<rootDir>/apps/admin/src/main.ts',
    '!<rootDir>/libs/admin/api-client/**',
    '!<rootDir>/libs/api/testing/**',
    '!<rootDir>/apps/api/src/main.ts',
    '!<rootDir>/apps/api/src/cli.ts',
  ],
  coverageDirectory: '<rootDir>/coverage',
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  coverageThreshold: {
    global: {},
    './libs/api/': { lines: 80 },
    './apps/api/': { lines: 80 },
    './apps/admin/': { lines: 70 },
    './libs/admin/': { lines: 70 },
  },
};

export default config;
