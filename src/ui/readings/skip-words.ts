/**
 * What the import screens say about what they leave out, in the patient's language: where an
 * Apple Health export's markup breaks, device notes, and the names of what is not imported.
 */
import type { SensorStatus } from '../../core/readings/bluetooth/glucose-measurement.ts';
import type { MarkupProblem } from '../../core/readings/importers/apple-health.ts';
import type { DeviceNote } from '../../core/readings/parsed.ts';
import type { Dictionary } from '../i18n/i18n.ts';

/** What was wrong with a device's record (DeviceNote), in the patient's language. */
export function describeDeviceNote(words: Dictionary['bluetooth']['skipped'], note: DeviceNote): string {
  // Bits 12 to 15 are all 'reserved': named once.
  const statuses = (list: readonly SensorStatus[]) => Array.from(new Set(list), (status) => words.status[status]).join(', ');
  switch (note.type) {
    case 'undecodable':
      return words.undecodable(words.record[note.record], words.problem[note.problem]);
    case 'sent-again':
      return (note.changed ? words.changed : words.sentAgain)[note.record];
    case 'context-alone':
      return words.contextAlone;
    case 'context-unannounced':
      return words.contextUnannounced;
    case 'no-value':
      return note.statuses.length === 0 ? words.noValue : `${words.noValue} (${statuses(note.statuses)})`;
    case 'reserved-sample-type':
      return words.reservedSampleType;
    case 'device-status':
      return statuses(note.statuses);
    case 'clock-fault':
      return words.clockFault;
    case 'special-value':
      return words.special[note.value];
  }
}

/** Carnet's own name for what is not imported, in the patient's language; a file's own word (an event type) as written, even "constructor". */
export function nameIgnored(words: Dictionary['readings']['import'], what: string): string {
  const names: Readonly<Record<string, string>> = words.ignoredName;
  return Object.hasOwn(names, what) ? (names[what] as string) : what;
}

/** Where an Apple Health export's markup breaks (MarkupProblem); `size` writes a byte count. */
export function describeMarkupProblem(words: Dictionary['appleHealth']['markup'], problem: MarkupProblem, size: (bytes: number) => string): string {
  switch (problem.kind) {
    case 'too-deep':
      return words.tooDeep(problem.limit);
    case 'crossed':
      return words.crossed(problem.closing, problem.open);
    case 'comment':
      return words.comment;
    case 'declaration':
      return words.declaration;
    case 'stray-lt':
      return words.strayLt;
    case 'broken-tag':
      return words.brokenTag(problem.name);
    case 'tag-too-long':
      return words.tagTooLong(size(problem.limit));
  }
}
