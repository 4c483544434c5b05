/**
 * Node module-customisation hooks (registered by svelteModules.ts) that let Node import the web
 * app's rune modules: `*.svelte.ts` is stripped of TypeScript by esbuild and compiled by
 * svelte/compiler's compileModule (client output, importing svelte/internal/client), and Vite's
 * `virtual:blive-abis` is served from build/contracts as the Vite plugin does.
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';

const ABIS_URL = `${pathToFileURL(resolvePath(fileURLToPath(new URL('../..', import.meta.url)), 'build/contracts')).href}/?blive-abis`;

export async function resolve(specifier, context, next) {
  if (specifier === 'virtual:blive-abis') return { url: ABIS_URL, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url === ABIS_URL) {
    const dir = fileURLToPath(new URL('.', url));
    const out = {};
    for (const name of ['Profiles', 'GiftVault', 'RewardPool', 'MockBTT']) {
      const file = resolvePath(dir, `${name}.json`);
      if (existsSync(file)) out[name] = JSON.parse(readFileSync(file, 'utf8')).abi;
    }
    return { format: 'module', source: `export default ${JSON.stringify(out)};`, shortCircuit: true };
  }
  const path = url.startsWith('file:') ? fileURLToPath(url.split('?')[0]) : '';
  if (path.endsWith('.svelte.ts') || path.endsWith('.svelte.js')) {
    const [{ transform }, { compileModule }] = await Promise.all([import('esbuild'), import('svelte/compiler')]);
    let source = await readFile(path, 'utf8');
    if (path.endsWith('.ts'))
      source = (await transform(source, { loader: 'ts', format: 'esm', target: 'esnext', sourcefile: path })).code;
    const { js } = compileModule(source, { filename: path, generate: 'client', dev: false });
    return { format: 'module', source: js.code, shortCircuit: true };
  }
  return next(url, context);
}
