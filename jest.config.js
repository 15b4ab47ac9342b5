// Two projects: `unit` (*.spec.ts beside the code, no services needed) and
// `integration` (test/**/*.e2e-spec.ts, against the real local PostgreSQL and
// Redis; each run creates and drops its own database and Redis key prefix).
// NestJS 12 ships ESM only: swc transpiles those packages for jest too.
const esmPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  '@standard-schema',
  'load-esm',
  'cookie',
  '@prisma/schema-engine-wasm',
  'content-disposition',
].join('|');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const common = {
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  // Only the innermost node_modules segment decides (ESM packages also hide in nested node_modules).
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages})/)(?!.*/node_modules/)`],
  moduleNameMapper: {
    '^@statemesh/sdk$': '<rootDir>/openapi/sdk/index.ts',
    '^@statemesh/sdk/client$': '<rootDir>/openapi/sdk/client/index.ts',
    '^@statemesh/([a-z0-9-]+)$': '<rootDir>/libs/$1/src/index.ts',
    // Prisma's generated client imports its siblings with .js extensions.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};

module.exports = {
  // Integration tests talk to real services; a generous ceiling, never a performance assertion.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
