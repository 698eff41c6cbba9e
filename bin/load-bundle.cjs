// Loads an entry of the bundled CLI (dist/bundle/NAME.cjs, made by scripts/bundle-cli.mjs) with V8's
// code cache, or says it cannot (returns undefined) so that the caller imports dist/cli/NAME.js.
//
// Node 20 has no module compile cache (module.enableCompileCache is Node 22), so the bundle's
// CommonJS chunks are compiled here, as Node's own loader would, but through vm.Script with the
// code cache that the build wrote beside each chunk (NAME.cjs.cache): V8 then skips parsing and
// compiling the functions a run uses. V8 checks each cache against its own version, flags and the
// source, and compiles from source when a cache does not fit. The bundle is used only when it is at
// least as new as dist/cli/NAME.js: after `tsc` on its own, the compiled modules run instead.
//
// CommonJS, like bin/simtrace.js: an ES module entry starts Node's ES module loader, about 10 ms
// of every command's start.
'use strict';
const Module = require('node:module');
const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const { createRequire } = Module;
const BUNDLE = join(__dirname, '..', 'dist', 'bundle', '/');
const COMPILED = join(__dirname, '..', 'dist', 'cli', '/');
/** Set by the build's warm-up run: write each compiled chunk's code cache at exit. */
const WRITE_CACHE = process.env.SIMTRACE_WRITE_CODE_CACHE === '1';

const modified = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1;

const compiled = [];
let hooked = false;

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function hookCompile() {
  if (hooked) return;
  hooked = true;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (!filename.startsWith(BUNDLE)) return compile.call(this, content, filename);
    const cachedData = WRITE_CACHE ? undefined : readCache(`${filename}.cache`);
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${content}\n});`, {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (WRITE_CACHE) compiled.push({ filename, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  if (WRITE_CACHE) {
    // After the run, so that the cache holds every function the run compiled, not just the top level.
    process.on('exit', () => {
      for (const { filename, script } of compiled) {
        const temporary = `${filename}.cache.tmp-${process.pid}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, `${filename}.cache`);
      }
    });
  }
}

/** The exports of dist/bundle/NAME.cjs, or undefined when there is no current bundle. */
function loadBundle(name) {
  const bundled = `${BUNDLE}${name}.cjs`;
  if (modified(bundled) < 0 || modified(bundled) < modified(`${COMPILED}${name}.js`)) return undefined;
  hookCompile();
  return require(bundled);
}

exports.loadBundle = loadBundle;
