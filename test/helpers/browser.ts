/**
 * Headless Chromium for tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser), a fake camera and microphone, and every request that is not to this machine
 * aborted so nothing leaves it. See ../shared/notes/web.md and media.md.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Keep WebRTC on loopback without mDNS-obfuscated host candidates.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** Launches headless Chromium with the fake camera; throws a clear error when it is not installed. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...FLAGS, ...extraArgs] });
}

/** A browser context whose requests to anything but localhost/127.0.0.1 are aborted. */
export async function localContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => route.abort(),
  );
  return context;
}

/** Publishes the fake camera to a WHIP URL from `page` (no trickle: ICE gathered first); the status of the POST. */
export function publishFakeCamera(page: Page, ingestUrl: string): Promise<{ status: number; body?: string }> {
  return page.evaluate(async (url) => {
    const w = window as unknown as { __pc?: RTCPeerConnection };
    w.__pc?.close();
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
    const pc = new RTCPeerConnection();
    for (const t of media.getTracks()) pc.addTransceiver(t, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 3000);
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription!.sdp,
    });
    const body = await res.text();
    if (res.status !== 201) return { status: res.status, body };
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    w.__pc = pc;
    return { status: 201 };
  }, ingestUrl);
}
