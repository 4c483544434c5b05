/**
 * Lets the importing test load `web/src/**\/*.svelte.ts` rune modules in Node (see
 * svelteModulesHooks.mjs). Registered from the test that needs it, so the project's mocha config
 * stays as it is; registering twice is harmless (the hooks only touch their own URLs).
 */
import { register } from 'node:module';

let registered = false;

export function registerSvelteModules(): void {
  if (registered) return;
  register('./svelteModulesHooks.mjs', import.meta.url);
  registered = true;
}
