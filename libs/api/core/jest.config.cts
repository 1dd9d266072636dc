module.exports = {
  displayName: 'api-core',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/core',
};
