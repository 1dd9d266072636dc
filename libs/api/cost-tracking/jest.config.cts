module.exports = {
  displayName: 'api-cost-tracking',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/cost-tracking',
};
