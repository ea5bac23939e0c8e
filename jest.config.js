// Nest 12 ships ES modules: @swc/jest also transforms node_modules/@nestjs so jest can require them on Node 20.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '(apps/(server|engine)|libs|migrations|test)/.*\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/admin/'],
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        module: { type: 'commonjs' },
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      },
    ],
  },
  moduleNameMapper: {
    '^@switchboard/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@switchboard/contracts/node$': '<rootDir>/libs/contracts/src/node.ts',
    '^@switchboard/testing$': '<rootDir>/libs/testing/src/index.ts',
    '^@switchboard/migrations$': '<rootDir>/migrations/index.ts',
  },
  maxWorkers: 2,
  testTimeout: 30000,
};
