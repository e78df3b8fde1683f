/** A form's actions, replaced by a single Cancel button while its long task runs. */
import { Show, type JSX } from 'solid-js';
import { useApp } from '../context.tsx';

export function ActionsOrCancel(props: { running: boolean; onCancel: () => void; children: JSX.Element }) {
  const { t } = useApp();
  return (
    <div class="actions">
      <Show
        when={!props.running}
        fallback={
          <button type="button" class="secondary" onClick={() => props.onCancel()}>
            {t().common.cancel}
          </button>
        }
      >
        {props.children}
      </Show>
    </div>
  );
}
