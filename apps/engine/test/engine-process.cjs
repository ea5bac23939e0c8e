// Runs the engine from its TypeScript sources in a child process, for specs that must kill an
// engine for real (kill -9). Sources are compiled on the fly with @swc/core, as jest does.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const ALIASES = {
  '@switchboard/contracts': 'libs/contracts/src/index.ts',
  '@switchboard/contracts/node': 'libs/contracts/src/node.ts',
  '@switchboard/testing': 'libs/testing/src/index.ts',
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = ALIASES[request];
  return resolveFilename.call(this, alias ? path.join(root, alias) : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  });
  module._compile(code, filename);
};

require('./engine-process.main.ts');
