/**
 * Progress of a long task (key derivation, file import). The status region announces the phase;
 * the percentage is left to the <progress> element, so a screen reader does not read every step.
 */
import { Show } from 'solid-js';
import type { VaultProgress } from '../../app/deps.ts';
import { useApp } from '../context.tsx';

export function ProgressBar(props: { label: string; fraction: number | null }) {
  const { t } = useApp();
  const percent = () => (props.fraction === null ? null : Math.round(props.fraction * 100));
  return (
    <div class="progress" role="status">
      <span>{props.label}</span>
      <Show when={percent() !== null} fallback={<progress aria-label={props.label} />}>
        <progress aria-label={props.label} max={100} value={percent() ?? 0} />
        <span class="progress-value" aria-hidden="true">
          {t().common.progress(percent() ?? 0)}
        </span>
      </Show>
    </div>
  );
}

/** The progress of a key derivation: indeterminate while calibrating or opening, a bar while deriving. */
export function VaultProgressBar(props: { progress: VaultProgress | null; labels: Record<VaultProgress['phase'], string> }) {
  return (
    <Show when={props.progress}>
      {(progress) => (
        <ProgressBar
          label={props.labels[progress().phase]}
          fraction={(() => {
            const current = progress();
            return current.phase === 'deriving' ? current.fraction : null;
          })()}
        />
      )}
    </Show>
  );
}
