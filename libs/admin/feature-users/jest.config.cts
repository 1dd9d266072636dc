module.exports = {
  displayName: 'admin-feature-users',
  preset: '../../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../../coverage/libs/admin/feature-users',
};
