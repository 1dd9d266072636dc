module.exports = {
  displayName: 'admin-feature-costs',
  preset: '../../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../../coverage/libs/admin/feature-costs',
};
