module.exports = {
  displayName: 'admin-feature-pricing',
  preset: '../../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../../coverage/libs/admin/feature-pricing',
};
