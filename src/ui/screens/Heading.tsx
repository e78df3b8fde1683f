/** The page title, focused when a screen opens so screen readers announce where the patient is. */
import { onMount, type JSX } from 'solid-js';

export function Heading(props: { children: JSX.Element }) {
  let heading: HTMLHeadingElement | undefined;
  onMount(() => heading?.focus({ preventScroll: true }));
  return (
    <h1 id="page-title" tabindex="-1" ref={(element) => (heading = element)}>
      {props.children}
    </h1>
  );
}
