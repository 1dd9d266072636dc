// Pure TypeScript: node environment, no database.
module.exports = {
  displayName: 'shared-cost-engine',
  preset: '../../../jest.preset.js',
  testEnvironment: 'node',
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  coverageDirectory: '../../../coverage/libs/shared/cost-engine',
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts'],
};
