module.exports = {
  displayName: 'api-testing',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/testing',
};
