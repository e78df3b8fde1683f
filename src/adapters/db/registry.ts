/**
 * The registry of profiles on this device: a small database with a fixed name, listing each
 * vault's random database name and the label the patient chose for the lock screen. The label
 * is the one plaintext a patient chooses to store, with a warning; the other is the emergency card,
 * only when the patient turns on showing it without unlocking. Nothing else about the person is
 * here.
 */
import { Dexie, type Table } from 'dexie';
import type { ProfileEntry, ProfileRegistry } from '../../core/ports.ts';

export const REGISTRY_DATABASE = 'carnet-profiles';

class RegistryDatabase extends Dexie {
  profiles!: Table<ProfileEntry, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ profiles: 'id' });
  }
}

export function createDexieRegistry(name = REGISTRY_DATABASE): ProfileRegistry {
  const db = new RegistryDatabase(name);
  return {
    list: async () => (await db.profiles.toArray()).sort((a, b) => a.createdAt - b.createdAt),
    get: (id) => db.profiles.get(id),
    add: async (entry) => {
      await db.profiles.add(entry);
    },
    rename: async (id, label) => {
      await db.profiles.update(id, { label });
    },
    markOpened: async (id, at) => {
      await db.profiles.update(id, { openedAt: at });
    },
    setEmergencyCard: (id, text) =>
      db.transaction('rw', db.profiles, async () => {
        const entry = await db.profiles.get(id);
        if (entry === undefined) return;
        const { emergencyCard: _previous, ...rest } = entry;
        await db.profiles.put(text === null ? rest : { ...rest, emergencyCard: text });
      }),
    remove: async (id) => {
      await db.profiles.delete(id);
    },
  };
}
