module.exports = {
  displayName: 'api-pricing',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/pricing',
};
