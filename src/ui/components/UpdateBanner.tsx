/** "A new version of Carnet is ready — Reload": shown, never forced. */
import { Show } from 'solid-js';
import { useApp } from '../context.tsx';

export function UpdateBanner() {
  const { t, pwa } = useApp();
  return (
    <Show when={pwa.updateReady()}>
      <div class="banner" role="status">
        <span>{t().pwa.updateReady}</span>
        <button type="button" onClick={() => pwa.applyUpdate()}>
          {t().pwa.reload}
        </button>
        <button type="button" class="secondary" onClick={() => pwa.dismissUpdate()}>
          {t().pwa.later}
        </button>
      </div>
    </Show>
  );
}

export function InstallButton() {
  const { t, pwa } = useApp();
  return (
    <Show when={pwa.canInstall()}>
      <button type="button" class="secondary install" title={t().pwa.installHint} onClick={() => void pwa.install()}>
        {t().pwa.install}
      </button>
    </Show>
  );
}
