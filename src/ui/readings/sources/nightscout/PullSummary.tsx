/**
 * What a pull brought, before the shared preview: how many entries, values the site sent as text,
 * the gaps in the sensor's trace, and whether older history was left on the site. The preview
 * below lists every row left out (status codes, duplicates, broken values) with its reason.
 */
import { Show } from 'solid-js';
import type { NightscoutPull } from '../../../../app/nightscout-live.ts';
import { useApp } from '../../../context.tsx';
import { formatDateTime } from '../../../format.ts';
import { formatDuration, longestGap } from './words.ts';

export function PullSummary(props: { pull: NightscoutPull }) {
  const { t, preferences } = useApp();
  const words = () => t().nightscoutLive;
  const when = (millis: number) => formatDateTime(millis, preferences.language(), preferences.timeZone());
  const longest = () => longestGap(props.pull.gaps);
  return (
    <ul class="nightscout-summary">
      <li>{words().received(props.pull.entries)}</li>
      <Show when={props.pull.textValues > 0}>
        <li>{words().textValues(props.pull.textValues)}</li>
      </Show>
      <Show when={longest()}>
        {(gap) => (
          <li>
            {words().gaps(props.pull.gaps.length, `${formatDuration(gap().to - gap().from, preferences.language())}, ${words().gapRange(when(gap().from), when(gap().to))}`)}
          </li>
        )}
      </Show>
      <Show when={props.pull.truncated && props.pull.parsed.ok}>
        <li>{words().truncated(when(props.pull.parsed.ok ? (props.pull.parsed.value.series[0]?.readings[0]?.time ?? 0) : 0))}</li>
      </Show>
    </ul>
  );
}
