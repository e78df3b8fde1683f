/**
 * What one tab tells the other tabs of the same profile, over a BroadcastChannel named after the
 * profile's random id: that it locked (every tab locks), that the patient is active (so a tab in
 * the background does not time out and lock the one in use), that records changed (so other
 * tabs refresh without reloading). Nothing secret ever goes through it.
 */
import type { ProfileChannel, ProfileChannelFactory, ProfileMessage } from '../core/ports.ts';

const TYPES = new Set(['locked', 'changed', 'active']);

function isMessage(value: unknown): value is ProfileMessage {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type as string);
}

export const broadcastChannels: ProfileChannelFactory = (profileId) => {
  const channel = new BroadcastChannel(`carnet:profile:${profileId}`);
  const listeners = new Set<(message: ProfileMessage) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (!isMessage(event.data)) return;
    for (const listener of listeners) listener(event.data);
  };
  const handle: ProfileChannel = {
    // BroadcastChannel reaches only this origin's tabs: there is no target origin to give.
    // oxlint-disable-next-line unicorn/require-post-message-target-origin
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
  return handle;
};
