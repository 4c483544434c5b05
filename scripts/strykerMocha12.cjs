// Loaded with --require in Stryker's processes: @stryker-mutator/mocha-runner 9 (the last line for
// Node 20) requires mocha's lib/cli/run-helpers, options and collect-files without an extension,
// and mocha 12 renamed them to .cjs. This resolves those three requests to the .cjs files; nothing
// else is touched. Remove with Stryker 10 (Node 22), whose runner knows mocha 12.
const Module = require('node:module');
const fs = require('node:fs');

const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (
    /[\\/]mocha[\\/]lib[\\/]cli[\\/](run-helpers|options|collect-files)$/.test(request) &&
    fs.existsSync(`${request}.cjs`)
  ) {
    return original.call(this, `${request}.cjs`, ...rest);
  }
  return original.call(this, request, ...rest);
};
