const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
const nodeExternals = require('webpack-node-externals');
const { DefinePlugin } = require('webpack');
const { readFileSync } = require('fs');

// The product version is the root package.json's (read, not imported: the root is not a library).
const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  // npm packages stay external (required at run time); the workspace's own libs (@mph/*, symlinked into
  // node_modules by npm workspaces) are bundled.
  externals: [nodeExternals({ modulesDir: join(__dirname, '../../node_modules'), allowlist: [/^@mph\//] })],
  plugins: [
    new DefinePlugin({ __APP_VERSION__: JSON.stringify(version) }),
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      additionalEntryPoints: [
        { entryName: 'cli', entryPath: './src/cli.ts' },
        // The catalog's search index runs in this worker thread (SearchIndexService finds it next to main.js).
        { entryName: 'search-worker', entryPath: './src/search-worker.ts' },
      ],
      tsConfig: './tsconfig.app.json',
      // The Swagger plugin documents DTOs from their TypeScript types and class-validator rules.
      transformers: [
        { name: '@nestjs/swagger/plugin', options: { introspectComments: true, classValidatorShim: true } },
      ],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      externalDependencies: 'none',
      mergeExternals: true,
      sourceMap: true,
    }),
  ],
};
