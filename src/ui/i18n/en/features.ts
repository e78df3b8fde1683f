/** The words of the feature screens, in English: loaded with those screens (i18n.ts). */
import type { FeatureWords } from '../i18n.ts';
import { agenda } from './agenda.ts';
import { appleHealth } from './apple-health.ts';
import { bluetooth } from './bluetooth.ts';
import { nightscoutLive } from './nightscout-live.ts';
import { prevention } from './prevention.ts';
import { profile } from './profile.ts';

export const enFeatures: FeatureWords = { agenda, appleHealth, bluetooth, nightscoutLive, prevention, profile };
