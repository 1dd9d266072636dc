// ts-jest wrapper for the @nestjs/swagger CLI plugin, so DTO metadata in tests matches the webpack build.
const plugin = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-plugin';
module.exports.version = 1;
module.exports.factory = (compilerInstance) =>
  plugin.before({ introspectComments: true, classValidatorShim: true }, compilerInstance.program);
