/** A device record's note (parsed.ts DeviceNote) said in the patient's language, for the preview's skipped rows. */
import type { SensorStatus } from '../../core/readings/bluetooth/glucose-measurement.ts';
import type { DeviceNote } from '../../core/readings/parsed.ts';
import type { Dictionary } from '../i18n/i18n.ts';

/** What was wrong with a device's record (DeviceNote), in the patient's language. */
export function describeDeviceNote(words: Dictionary['readings']['import']['device'], note: DeviceNote): string {
  const statuses = (list: readonly SensorStatus[]) => list.map((status) => words.status[status]).join(', ');
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
