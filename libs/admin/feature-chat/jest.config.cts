module.exports = {
  displayName: 'admin-feature-chat',
  preset: '../../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../../coverage/libs/admin/feature-chat',
};
