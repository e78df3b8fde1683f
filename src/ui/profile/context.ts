/**
 * What the profile store needs from the shell without loading with it: the words of the
 * emergency card's text (to rewrite the lock-screen copy after a change) and the patient's time
 * zone (the day "today" is). Set once by the App; read by ui/profile/view.ts.
 */
import type { EmergencyLabels } from '../../core/profile/emergency.ts';

interface ProfileContext {
  readonly labels: () => EmergencyLabels;
  readonly timeZone: () => string;
}

let current: ProfileContext | null = null;

export function provideProfileContext(context: ProfileContext): void {
  current = context;
}

export function profileContext(): ProfileContext | null {
  return current;
}
