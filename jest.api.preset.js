// Shared jest settings for the NestJS projects (apps/api, libs/api/*): node environment, ts-jest with the
// Swagger plugin (so DTO metadata matches the webpack build), and one PostgreSQL for the whole run.
const nxPreset = require('@nx/jest/preset').default;
const { join } = require('path');

const testing = join(__dirname, 'libs/api/core/testing');
// What webpack's DefinePlugin injects into the build (apps/api/webpack.config.js), so tests see the same version.
const { version } = require('./package.json');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        astTransformers: {
          before: [{ path: join(__dirname, 'tools/jest/swagger-transformer.js') }],
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: join(testing, 'global-setup.ts'),
  globalTeardown: join(testing, 'global-teardown.ts'),
  testTimeout: 30000,
  globals: { __APP_VERSION__: version },
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/**/*.d.ts', '!src/main.ts', '!src/test-setup.ts'],
};
