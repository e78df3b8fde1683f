/**
 * Readings from a Bluetooth glucose meter or scale, where the browser has Web Bluetooth (Chromium
 * on desktop and Android); elsewhere, a short explanation of which browsers do.
 */
import { webBluetoothPort } from '../../../adapters/bluetooth.ts';
import type { VaultSession } from '../../../app/session.ts';
import { BluetoothPanel } from './bluetooth/BluetoothPanel.tsx';

export function BluetoothImport(props: { session: VaultSession }) {
  const supported = typeof navigator !== 'undefined' && 'bluetooth' in navigator;
  return <BluetoothPanel session={props.session} port={webBluetoothPort} supported={supported} />;
}
