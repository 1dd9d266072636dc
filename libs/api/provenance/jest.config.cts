module.exports = {
  displayName: 'api-provenance',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/provenance',
};
