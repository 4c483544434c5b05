import { mount } from 'svelte';
import './app.css';
import { loadConfig } from './lib/config.js';
import App from './App.svelte';

const target = document.getElementById('app')!;
loadConfig()
  .then(() => mount(App, { target }))
  .catch((err: unknown) => {
    target.textContent = `BLive could not load its configuration: ${(err as Error).message}`;
    target.setAttribute('role', 'alert');
  });
