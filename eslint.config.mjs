import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/**
 * One lint configuration for the whole workspace. Module boundaries are enforced with Nx tags:
 * scope:api | scope:admin | scope:shared, and type:app | core | feature | data-access | ui | test-util | e2e.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/coverage',
      '**/.nx',
      '**/.angular',
      '**/node_modules',
      'libs/admin/api-client/src/lib/generated/**',
      'libs/admin/ui/src/lib/icons.generated.ts',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.cts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            // The API and the console never import each other; both may use shared (pure) libs.
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:admin', 'scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // Layers: core knows no domain; domains use core and each other's public API (index.ts) only;
            // UI pieces know no features; the generated client depends on nothing of ours.
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:util'] },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:core',
                'type:data-access',
                'type:ui',
                'type:util',
                'type:test-util',
              ],
            },
            // API domains in one direction (a lib reaches another only through its exported services; its tables
            // only through its SQL, checked by tools/check-sql-ownership.mjs): auth and provenance know no domain,
            // the catalog builds on them, pricing on the catalog, cost tracking on pricing, chat and MCP on all.
            ...Object.entries({
              auth: [],
              provenance: [],
              catalog: ['auth', 'provenance'],
              pricing: ['auth', 'provenance', 'catalog'],
              'cost-tracking': ['auth', 'provenance', 'catalog', 'pricing'],
              chat: ['auth', 'provenance', 'catalog', 'pricing', 'cost-tracking'],
              mcp: ['auth', 'provenance', 'catalog', 'pricing', 'cost-tracking'],
            }).map(([domain, uses]) => ({
              sourceTag: `domain:${domain}`,
              onlyDependOnLibsWithTags: [
                `domain:${domain}`,
                ...uses.map((d) => `domain:${d}`),
                'type:core',
                'type:util',
              ],
            })),
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util', 'type:data-access'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:test-util', onlyDependOnLibsWithTags: ['type:core', 'type:util'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:core',
                'type:data-access',
                'type:ui',
                'type:util',
                'type:test-util',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings through AppConfig (libs/api/core config); process.env is read only there.',
        },
      ],
    },
  },
  {
    // The places allowed to read the environment: the config loader, the test harness and the tooling around the app.
    files: [
      'libs/api/core/src/lib/config/**',
      'libs/api/core/testing/**',
      'apps/admin-e2e/**',
      'tools/**',
      'bench/**',
      'apps/api/test/hardening/*.mjs',
      '**/*.config.{js,ts,mjs,cjs,cts}',
      'jest.*.js',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // SQL rows are typed where they are read: query<Row>(db, sql, params) / execute(db, sql, params) from core.
    files: ['libs/api/*/src/**/*.ts', 'apps/api/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/api/core/src/migrations/**', 'libs/api/core/src/lib/database/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']:not([typeArguments])",
          message:
            "Run SQL through query<Row>(db, sql, params) or execute(db, sql, params) from @mph/api-core, so the rows' type is written where they are read.",
        },
      ],
    },
  },
  ...nx.configs['flat/angular'].map((c) => ({ ...c, files: ['apps/admin/**/*.ts', 'libs/admin/**/*.ts'] })),
  ...nx.configs['flat/angular-template'].map((c) => ({
    ...c,
    files: ['apps/admin/**/*.html', 'libs/admin/**/*.html'],
  })),
  {
    files: ['apps/admin/**/*.ts', 'libs/admin/**/*.ts'],
    rules: {
      '@angular-eslint/directive-selector': ['error', { type: 'attribute', prefix: 'mph', style: 'camelCase' }],
      '@angular-eslint/component-selector': ['error', { type: 'element', prefix: 'mph', style: 'kebab-case' }],
    },
  },
  prettier,
];
