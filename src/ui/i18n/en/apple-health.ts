/** The Apple Health export import, in English. */
import type { appleHealth as reference } from '../fr/apple-health.ts';
import type { Widen } from '../i18n.ts';

export const appleHealth: Widen<typeof reference> = {
  title: 'Import an Apple Health export',
  intro:
    'In the Health app on the iPhone: your picture, then “Export All Health Data”. Choose the export.zip you received (or the export.xml inside it). Carnet keeps its weight and blood glucose; the rest is counted, not imported. The file is read on this device, never sent.',
  choose: 'Choose export.zip or export.xml',
  reading: (file: string) => `Reading “${file}”…`,
  progressLabel: 'Reading progress',
  progress: (read: string, total: string) => `${read} read of ${total}`,
  cancel: 'Stop reading',
  cancelled: 'Reading stopped. Nothing was imported.',
  previewTitle: (file: string) => `Before importing “${file}”`,
  ordinals: 'In the list of rows not imported, the numbers are those of the records in the export (the 1st, the 2nd…), not lines of the file.',
  truncated:
    'This file stops before its end (an interrupted download or copy?). The readings read before the cut are offered below; they are imported only if you accept. You can also export again from the iPhone.',
  malformed: (detail: string) =>
    `This file is damaged at one point (${detail}): reading stopped there. The readings read before are offered below; they are imported only if you accept.`,
  markup: {
    tooDeep: (limit: number) => `elements nested more than ${limit} deep`,
    crossed: (closing: string, open: string) => (open === '' ? `</${closing}> closes no tag` : `</${closing}> closes <${open}>`),
    comment: '“--” inside a comment',
    declaration: 'a declaration inside the document',
    strayLt: 'a “<” that starts no tag',
    brokenTag: (name: string) => `a broken <${name}> tag`,
    tagTooLong: (size: string) => `a tag longer than ${size}`,
  },
  done: (n: number) => (n === 1 ? '1 reading added from Apple Health.' : `${n.toLocaleString('en-GB')} readings added from Apple Health.`),
  errors: {
    notAppleHealth: 'This file is not an Apple Health export (it does not start with <HealthData>). Nothing was imported.',
    emptyFile: 'This file is empty. Nothing was imported.',
    noReadings: (reasons: string) => `This export holds no usable weight or blood glucose reading. ${reasons} Nothing was imported.`,
    noReadingsTruncated: 'This export stops before its end, and no weight or blood glucose reading could be read before the cut. Nothing was imported.',
    noReadingsDamaged: (detail: string) => `This export is damaged (${detail}) before any weight or blood glucose reading: none could be read. Nothing was imported.`,
    zipWithoutExport: 'This archive holds no export.xml: it is not an Apple Health export. Nothing was imported.',
    zipUnreadable: 'This archive is unreadable or incomplete (an interrupted download?). Nothing was imported.',
    zipUnsupported: 'This archive is encrypted or compressed in a way Carnet does not read. Unzip it and choose export.xml. Nothing was imported.',
    fileUnreadable: 'The browser could not read this file (moved or deleted?). Nothing was imported.',
  },
};
