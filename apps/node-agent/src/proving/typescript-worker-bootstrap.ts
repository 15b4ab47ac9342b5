// Worker threads do not share their parent's module loader. Built agents
// start proof.worker.js directly; when the agent runs from its TypeScript
// sources (the test suites start agents in-process), the worker compiles
// its sources with swc on the fly and resolves the @statemesh/* aliases the
// way tsconfig does. Development only: @swc/core is a dev dependency.
export const TYPESCRIPT_WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require(workerData.swcPath);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = /^@statemesh\\/([a-z0-9-]+)$/.exec(request);
  if (alias) return path.join(workerData.root, 'libs', alias[1], 'src', 'index.ts');
  if (request.startsWith('.') && parent && parent.filename && parent.filename.endsWith('.ts')) {
    const candidate = path.resolve(path.dirname(parent.filename), request + '.ts');
    if (fs.existsSync(candidate)) return candidate;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
Module._extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;
