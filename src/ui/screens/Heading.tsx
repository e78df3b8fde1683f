/** The page title, focused when the patient moves to a screen so screen readers announce where they are. */
import { onMount, type JSX } from 'solid-js';
import { useApp } from '../context.tsx';

export function Heading(props: { children: JSX.Element }) {
  const { router } = useApp();
  let heading: HTMLHeadingElement | undefined;
  onMount(() => {
    if (router.hasNavigated()) heading?.focus({ preventScroll: true });
  });
  return (
    <h1 id="page-title" tabindex="-1" ref={(element) => (heading = element)}>
      {props.children}
    </h1>
  );
}
