module.exports = {
  displayName: 'api-mcp',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/mcp',
};
