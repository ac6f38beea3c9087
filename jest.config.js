// jest runs in ESM mode (NestJS 12 is ESM-only): NODE_OPTIONS=--experimental-vm-modules is set by
// the npm scripts. @swc/jest compiles TypeScript with the decorator metadata Nest's DI needs.
import { availableParallelism } from 'node:os';

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': swc,
    // @fastify/static (Swagger UI's assets) require()s this ESM-only package; Node 20 allows
    // require(esm), jest's module loader does not, so hand it a CommonJS build.
    'node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  setupFiles: ['reflect-metadata'],
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/bench/**/*.spec.mjs'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
  // Each e2e file boots the app on its own fresh database; PGlite takes a few seconds to start.
  testTimeout: 60_000,
  // Jest's default, one worker less than the cores, is one worker on a two-core machine. E2E files
  // mostly wait (on PostgreSQL, argon2's threads, timers, a browser), so two run side by side even
  // there: the suite on the PostgreSQL server went from about 10 to 4.5 minutes on two cores.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/main.ts'],
};
