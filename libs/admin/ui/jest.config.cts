module.exports = {
  displayName: 'admin-ui',
  preset: '../../../jest.admin.preset.js',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../../coverage/libs/admin/ui',
};
