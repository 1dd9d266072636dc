module.exports = {
  displayName: 'api-chat',
  preset: '../../../jest.api.preset.js',
  coverageDirectory: '../../../coverage/libs/api/chat',
};
