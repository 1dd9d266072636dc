module.exports = {
  displayName: 'api',
  preset: '../../jest.api.preset.js',
  // The process entry points only parse argv/env and call tested functions; e2e runs them for real.
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/cli.ts'],
  coverageDirectory: '../../coverage/apps/api',
};
