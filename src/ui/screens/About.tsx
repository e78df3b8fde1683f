/** Version, licence, and what Carnet promises. */
import { useApp } from '../context.tsx';
import { Heading } from './Heading.tsx';

export default function About() {
  const { t } = useApp();
  return (
    <section aria-labelledby="page-title">
      <Heading>{t().about.title}</Heading>
      <p class="version" data-testid="version">
        {t().about.version(__CARNET_VERSION__)}
      </p>
      <p>{t().about.description}</p>
      <p>{t().about.offline}</p>
      <p>{t().about.licence}</p>
    </section>
  );
}
