/** A message the screen reader announces: errors interrupt (alert), confirmations wait (status). */
import { Show, type JSX } from 'solid-js';

export function Alert(props: { tone: 'error' | 'success' | 'info'; children: JSX.Element; id?: string }) {
  return (
    <p id={props.id} class={`alert alert-${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

export function MaybeAlert(props: { tone: 'error' | 'success' | 'info'; message: string | null; id?: string }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <Alert tone={props.tone} {...(props.id === undefined ? {} : { id: props.id })}>
          {message()}
        </Alert>
      )}
    </Show>
  );
}
