module.exports = {
  displayName: 'admin',
  preset: '../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../coverage/apps/admin',
};
