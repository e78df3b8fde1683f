/** Progress of a long task (key derivation, file import), announced politely. */
import { Show } from 'solid-js';
import { useApp } from '../context.tsx';

export function ProgressBar(props: { label: string; fraction: number | null }) {
  const { t } = useApp();
  const percent = () => (props.fraction === null ? null : Math.round(props.fraction * 100));
  return (
    <div class="progress" role="status" aria-live="polite">
      <span>{props.label}</span>
      <Show when={percent() !== null} fallback={<progress aria-label={props.label} />}>
        <progress aria-label={props.label} max={100} value={percent() ?? 0} />
        <span class="progress-value">{t().common.progress(percent() ?? 0)}</span>
      </Show>
    </div>
  );
}
