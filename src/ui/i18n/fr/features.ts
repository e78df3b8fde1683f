/**
 * The words of the feature screens (profile, agenda, prevention, readings sources), in French:
 * loaded with those screens, not with the first screen (i18n.ts, `loadFeatureWords`).
 */
import { agenda } from './agenda.ts';
import { appleHealth } from './apple-health.ts';
import { bluetooth } from './bluetooth.ts';
import { nightscoutLive } from './nightscout-live.ts';
import { prevention } from './prevention.ts';
import { profile } from './profile.ts';

export const frFeatures = { agenda, appleHealth, bluetooth, nightscoutLive, prevention, profile };
