// Fails the build when an artifact was not compiled by the pinned npm solc (a cached TRON soljson
// of the same version would otherwise win silently; see shared notes).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const solc = require('solc');
const expected = solc.version();
const dir = path.resolve('build', 'contracts');
if (!existsSync(dir)) {
  console.error(`checkArtifacts: ${dir} does not exist; run tronbox compile first`);
  process.exit(1);
}
const bad = [];
let count = 0;
for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const a = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  count++;
  const version = a.compiler?.version;
  if (version !== expected) bad.push(`${f}: compiled by ${version ?? 'an unknown compiler'}`);
}
if (bad.length) {
  console.error(`checkArtifacts: expected every artifact to be compiled by solc ${expected}:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log(`checkArtifacts: ${count} artifacts, all compiled by solc ${expected}`);
