module.exports = {
  displayName: 'api',
  preset: '../../jest.api.preset.js',
  coverageDirectory: '../../coverage/apps/api',
};
