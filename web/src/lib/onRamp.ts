/**
 * The hand-off to the operator's on-ramp (`onRamp` of /config.json, from ONRAMP_URL): the
 * provider's widget with the user's address and the token filled in. The provider takes the
 * payment and sends the crypto to the wallet; BLive never handles fiat.
 */
import type { OnRampConfig } from '../../../lib/webConfig.js';

/** The widget link for buying `symbol` to `address`, or null when the provider does not sell it. */
export function onRampHref(onRamp: OnRampConfig | null, symbol: string, address: string): string | null {
  const code = onRamp?.tokens[symbol];
  if (!onRamp || !code) return null;
  return onRamp.url
    .replaceAll('{address}', encodeURIComponent(address))
    .replaceAll('{token}', encodeURIComponent(code));
}
