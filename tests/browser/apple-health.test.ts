/**
 * The Apple Health export streamed in Chromium from a file on disk (OPFS): a generated export of
 * 96 MB read with its heap and ArrayBuffers sampled through the DevTools protocol, which must stay
 * far below the file's size; the same file cancelled halfway leaving the vault untouched; and the
 * readings committed and read back. The zip path is read through the real DecompressionStream.
 */
import { zipSync } from 'fflate';
import { cdp } from 'vitest/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAppleHealthExport, type GeneratedExport } from '../../bench/page/apple-health-export.ts';
import { readAppleHealthExport, type AppleHealthProgress } from '../../src/app/apple-health.ts';
import { createReadings } from '../../src/app/readings.ts';
import { dumpDatabase, newVault, testDeps } from './support.ts';

const MB = 1024 * 1024;
const SIZE = 96 * MB;
const SEED = 20261123;
const NAME = 'apple-health-test-export.xml';

async function opfs(): Promise<FileSystemDirectoryHandle> {
  return navigator.storage.getDirectory();
}

let generated: { file: File; summary: GeneratedExport } | null = null;

/** The generated export, written to OPFS once for the whole file of tests. */
async function exportFile(): Promise<{ file: File; summary: GeneratedExport }> {
  if (generated !== null) return generated;
  const handle = await (await opfs()).getFileHandle(NAME, { create: true });
  const writable = await handle.createWritable();
  const summary = await writeAppleHealthExport(SIZE, SEED, (piece) => writable.write(piece as Uint8Array<ArrayBuffer>));
  await writable.close();
  generated = { file: await handle.getFile(), summary };
  return generated;
}

afterAll(async () => {
  await (await opfs()).removeEntry(NAME).catch(() => {});
});

interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

async function heapNow(): Promise<number> {
  const usage = (await cdp().send('Runtime.getHeapUsage')) as HeapUsage;
  return usage.usedSize + (usage.backingStorageSize ?? 0);
}

/**
 * Peak of JS heap plus ArrayBuffers above the idle level (after a GC) while `action` runs:
 * sampled on a timer and whenever the action calls `sample` (each progress step, so the samples
 * spread over the whole read however fast it goes).
 */
async function peakAbove<T>(action: (sample: () => void) => Promise<T>): Promise<{ result: T; above: number; samples: number }> {
  await cdp().send('HeapProfiler.collectGarbage');
  const idle = await heapNow();
  const taken: Promise<number>[] = [];
  const sample = () => void taken.push(heapNow());
  const sampling = { on: true };
  const sampler = (async () => {
    while (sampling.on) {
      await heapNow().then((bytes) => taken.push(Promise.resolve(bytes)));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    const result = await action(sample);
    sampling.on = false;
    await sampler;
    const peak = Math.max(idle, ...(await Promise.all(taken)));
    return { result, above: peak - idle, samples: taken.length };
  } finally {
    sampling.on = false;
  }
}

describe('the Apple Health export in Chromium', () => {
  it('streams a 96 MB export with memory bounded, far below the file size', async () => {
    const { file, summary } = await exportFile();
    expect(file.size).toBeGreaterThanOrEqual(SIZE);
    const progress: AppleHealthProgress[] = [];
    const { result, above, samples } = await peakAbove((sample) =>
      readAppleHealthExport(file, {
        onProgress: (step) => {
          progress.push(step);
          sample();
        },
      }),
    );
    if (!result.ok) throw new Error(result.error.type);
    console.info(`Apple Health ${Math.round(file.size / MB)} MB: peak ${(above / MB).toFixed(1)} MB above idle over ${samples} samples, ${progress.length} progress steps`);
    const parsed = result.value.parsed;
    const count = (series: string) => parsed.series.find((item) => item.series === series)?.readings.length ?? 0;
    const duplicates = parsed.skipped.filter((row) => row.reason === 'duplicate' || row.reason === 'same-time').length;
    expect(count('weight') + count('glucose') + duplicates).toBe(summary.weights + summary.glucose);
    expect(parsed.skipped.filter((row) => row.reason !== 'duplicate' && row.reason !== 'same-time')).toEqual([]);
    expect(result.value.records).toBe(summary.records);
    expect(result.value.incomplete).toBeNull();
    expect(Object.keys(parsed.ignored)).toEqual(expect.arrayContaining(['HKQuantityTypeIdentifierHeartRate', 'Workout', 'ActivitySummary']));
    // Progress in bytes of the file, rising to its size.
    expect(progress.at(-1)).toEqual({ read: file.size, total: file.size });
    expect(progress.length).toBeGreaterThan(50);
    expect(samples).toBeGreaterThan(20);
    // The readings (some 16,000 here) and a few chunks in flight: nowhere near the file.
    expect(above).toBeLessThan(0.1 * file.size);
  });

  it('stops when cancelled, and nothing is stored', async () => {
    const { file } = await exportFile();
    const session = await newVault(testDeps());
    const before = await dumpDatabase(session.profile.database);
    const controller = new AbortController();
    const result = await readAppleHealthExport(file, {
      signal: controller.signal,
      onProgress: (step) => {
        if (step.read > 10 * MB) controller.abort();
      },
    });
    expect(result).toEqual({ ok: false, error: { type: 'AppleHealthCancelled' } });
    expect(await dumpDatabase(session.profile.database)).toEqual(before);
    session.lock();
  });

  it('commits the readings through the shared preview, and reads them back', async () => {
    const { file } = await exportFile();
    const session = await newVault(testDeps());
    const read = await readAppleHealthExport(file);
    if (!read.ok) throw new Error(read.error.type);
    const store = createReadings(session);
    const preview = await store.preview(read.value.parsed);
    if (!preview.ok) throw new Error(preview.error.type);
    const landed = await store.commit(preview.value);
    expect(landed.ok).toBe(true);
    for (const part of read.value.parsed.series) {
      const first = part.readings[0]?.time ?? 0;
      const last = part.readings.at(-1)?.time ?? 0;
      const loaded = await store.load(part.series, first, last + 1);
      expect(loaded.failures).toEqual([]);
      expect(loaded.readings.length, part.series).toBe(part.readings.length);
      expect(loaded.readings[0]?.source.importer).toBe('apple-health');
    }
    // The same file again adds nothing.
    const again = await store.preview(read.value.parsed);
    expect(again.ok && again.value.plans.every((plan) => plan.added === 0)).toBe(true);
    session.lock();
  });

  it('reads export.zip through the browser’s DecompressionStream', async () => {
    const xml = new TextEncoder().encode(
      '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="fr_FR">\n <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Santé" unit="mmol&lt;180.1558800000541&gt;/L" startDate="2024-01-10 07:05:00 +0100" endDate="2024-01-10 07:05:00 +0100" value="5.4"/>\n</HealthData>\n',
    );
    const zip = zipSync({ 'apple_health_export/export_cda.xml': new TextEncoder().encode('<ClinicalDocument/>'), 'apple_health_export/export.xml': xml });
    const result = await readAppleHealthExport(new Blob([zip as Uint8Array<ArrayBuffer>]));
    if (!result.ok) throw new Error(result.error.type);
    expect(result.value.parsed.series[0]?.readings[0]).toMatchObject({ value: 5.4, unit: 'mmol/L', time: Date.UTC(2024, 0, 10, 6, 5) });
    const cut = await readAppleHealthExport(new Blob([zip.slice(0, zip.length - 10) as Uint8Array<ArrayBuffer>]));
    expect(cut.ok ? null : cut.error.type).toBe('ZipUnreadable');
  });
});
