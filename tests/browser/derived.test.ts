/**
 * The small sealed values kept beside the records (settings, device lists, a site, the reminders'
 * state): read back as written, absent when never written, and unreadable, never trusted, when
 * the stored envelope was made for another name.
 */
import { describe, expect, it } from 'vitest';
import { readSealedJson, writeSealedJson } from '../../src/app/derived.ts';
import { newVault, testDeps } from './support.ts';

describe('sealed local values', () => {
  it('reads back what was written, says absent for what never was, and refuses an envelope moved from another name', async () => {
    const session = await newVault(testDeps());
    const settings = { name: 'test-settings', id: 'readings' };
    expect(await readSealedJson(session, settings)).toEqual({ status: 'absent' });
    expect((await writeSealedJson(session, settings, { v: 1, unit: 'mmol/L' })).ok).toBe(true);
    expect(await readSealedJson(session, settings)).toEqual({ status: 'read', value: { v: 1, unit: 'mmol/L' } });

    // The same bytes stored under another name do not open there: the binding names the value.
    const store = session.store();
    const sealed = await store.readDerived('test-settings');
    if (sealed === undefined) throw new Error('nothing stored');
    await store.writeDerived('test-other', sealed);
    expect(await readSealedJson(session, { name: 'test-other', id: 'readings' })).toEqual({ status: 'unreadable' });
    expect(await readSealedJson(session, { name: 'test-settings', id: 'bluetooth' })).toEqual({ status: 'unreadable' });
  });
});
