/**
 * The emergency card on the lock screen, when the patient turned that on: the plaintext copy and
 * its QR code. Loaded only for such a profile, so the lock screen of everyone else carries
 * neither the QR encoder nor these words.
 */
import { QrCode } from '../components/QrCode.tsx';
import { useApp } from '../context.tsx';

export default function LockScreenCard(props: { text: string }) {
  const { t } = useApp();
  return (
    <details class="lock-screen-emergency">
      <summary>{t().profile.card.show}</summary>
      <p class="hint">{t().profile.card.lockedNote}</p>
      <pre class="qr-text">{props.text}</pre>
      <QrCode text={props.text} label={t().profile.card.qrLabel} class="qr emergency-qr" />
    </details>
  );
}
