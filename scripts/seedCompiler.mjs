// Seeds tronbox's compiler cache from the pinned npm `solc`, so `tronbox compile` works offline.
// tronbox loads $HOME/.tronbox/solc/soljson_v<version>.js and downloads it when missing; we place
// the npm package's soljson.js there (same version as tronbox.js, or the install fails loudly).
import { copyFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const solcPkg = require('solc/package.json');
const config = await import(path.resolve('tronbox.js'));
const wanted = config.compilers.solc.version;
if (solcPkg.version !== wanted) {
  console.error(
    `seedCompiler: tronbox.js wants solc ${wanted} but npm solc is ${solcPkg.version}; pin them to the same version`,
  );
  process.exit(1);
}
const source = require.resolve('solc/soljson.js');
const dir = path.join(homedir(), '.tronbox', 'solc');
const target = path.join(dir, `soljson_v${wanted}.js`);
mkdirSync(dir, { recursive: true });
const same = existsSync(target) && readFileSync(target).equals(readFileSync(source));
if (!same) {
  if (existsSync(target)) console.log(`seedCompiler: replacing ${target} with the pinned npm solc ${wanted}`);
  copyFileSync(source, target);
}
console.log(`seedCompiler: tronbox will compile with npm solc ${wanted} (${target})`);
