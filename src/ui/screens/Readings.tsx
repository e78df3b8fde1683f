/**
 * Readings: glucose and weight, imported from the files people have or typed in, and read as the
 * reports clinicians expect. Three views under one heading: add, glucose report, weight.
 */
import { Match, Switch } from 'solid-js';
import type { VaultSession } from '../../app/session.ts';
import { useApp } from '../context.tsx';
import { GlucoseReportView } from '../readings/GlucoseReport.tsx';
import { ManualEntry } from '../readings/ManualEntry.tsx';
import { ReadingsImport } from '../readings/ReadingsImport.tsx';
import { AppleHealthImport } from '../readings/sources/AppleHealthImport.tsx';
import { BluetoothImport } from '../readings/sources/BluetoothImport.tsx';
import { NightscoutSync } from '../readings/sources/NightscoutSync.tsx';
import { WeightReportView } from '../readings/WeightReport.tsx';
import '../readings/readings.css';
import { Heading } from './Heading.tsx';

export type ReadingsSection = 'glucose' | 'weight' | 'add';

export default function Readings(props: { session: VaultSession; section: ReadingsSection }) {
  const { t, router } = useApp();
  const words = () => t().readings;
  const tab = (section: ReadingsSection, label: string) => (
    <a href={section === 'glucose' ? '#/readings' : `#/readings/${section}`} aria-current={props.section === section ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <section aria-labelledby="page-title" class="readings">
      <Heading>{words().title}</Heading>
      <p class="lead no-print">{words().intro}</p>
      <nav class="subnav no-print" aria-label={words().sections}>
        {tab('glucose', words().glucoseTab)}
        {tab('weight', words().weightTab)}
        {tab('add', words().addTab)}
      </nav>
      <Switch>
        <Match when={props.section === 'glucose'}>
          <GlucoseReportView session={props.session} />
        </Match>
        <Match when={props.section === 'weight'}>
          <WeightReportView session={props.session} />
        </Match>
        <Match when={props.section === 'add'}>
          <ReadingsImport session={props.session} />
          <AppleHealthImport session={props.session} />
          <BluetoothImport session={props.session} />
          <NightscoutSync session={props.session} />
          <ManualEntry session={props.session} />
          <p class="no-print">
            <button type="button" class="secondary" onClick={() => router.navigate({ name: 'readings', section: 'glucose' })}>
              {words().seeReport}
            </button>
          </p>
        </Match>
      </Switch>
    </section>
  );
}
