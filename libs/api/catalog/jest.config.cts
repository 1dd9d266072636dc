module.exports = {
  displayName: 'api-catalog',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/catalog',
};
