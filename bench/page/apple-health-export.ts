/**
 * A generated Apple Health export.xml of any size, from a fixed seed, written in pieces to a
 * sink (OPFS in the benchmark and the browser test), so that generating 500 MB never holds more
 * than one piece in memory. The layout follows tests/fixtures/apple-health/export.xml: a DOCTYPE
 * with an internal subset, `<HealthData>`, `<ExportDate>`, `<Me>`, then records ten years long,
 * mostly the types a watch and a phone write (heart rate with its metadata, energy, steps,
 * distance) with a realistic share of weighings (about one a day) and finger-stick glucose (about
 * four a day, in mg/dL and in HealthKit's `mmol<180.1558800000541>/L`), workouts, and activity
 * summaries. Types are interleaved, the worst order for the reader (real exports group them).
 */

export interface GeneratedExport {
  readonly bytes: number;
  readonly records: number;
  readonly weights: number;
  readonly glucose: number;
}

/** mulberry32: a small seeded generator, so inputs are the same on every run. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
<HealthData locale="fr_FR">
 <ExportDate value="2026-11-20 21:04:12 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1971-03-14" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
`;
const TAIL = '</HealthData>\n';
const WATCH = 'sourceName="Apple Watch de Marie" sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x2816a4f50&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.1&gt;"';
const PHONE = 'sourceName="iPhone de Marie" sourceVersion="17.1" device="&lt;&lt;HKDevice: 0x2816a5e00&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone14,5, software:17.1&gt;"';
const START = Date.UTC(2016, 0, 1);

const pad = (value: number) => (value < 10 ? `0${value}` : String(value));
/** Paris wall-clock time with its offset, as the export writes it (CET/CEST by the EU rule). */
function appleDate(time: number): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const summer = time >= lastSunday(2) && time < lastSunday(9);
  const local = new Date(time + (summer ? 2 : 1) * 3_600_000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${summer ? '+0200' : '+0100'}`;
}

/**
 * Writes about `size` bytes (a little more: the last piece ends on a record) through `write`,
 * one piece of about `pieceBytes` at a time, and says what it wrote.
 */
export async function writeAppleHealthExport(size: number, seed: number, write: (piece: Uint8Array) => Promise<void>, pieceBytes = 4 * 1024 * 1024): Promise<GeneratedExport> {
  const next = generator(seed);
  const encoder = new TextEncoder();
  let bytes = 0;
  let records = 0;
  let weights = 0;
  let glucose = 0;
  let time = START;
  // Ten years over the whole file, whatever its size: about 1.5 million records in 500 MB.
  const step = Math.max(1000, Math.floor((10 * 365 * 86_400_000) / (size / 330)));
  const emit = async (text: string) => {
    const piece = encoder.encode(text);
    bytes += piece.length;
    await write(piece);
  };
  await emit(HEAD);
  while (bytes < size - TAIL.length) {
    const parts: string[] = [];
    let length = 0;
    while (length < pieceBytes) {
      time += Math.floor(step * (0.5 + next()));
      const at = appleDate(time);
      const roll = next();
      let text: string;
      if (roll < 0.0025) {
        weights++;
        text = ` <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Withings" sourceVersion="6.4.1" unit="kg" creationDate="${at}" startDate="${at}" endDate="${at}" value="${(62 + next() * 20).toFixed(2)}"/>\n`;
      } else if (roll < 0.0125) {
        glucose++;
        const mgdl = 70 + Math.floor(next() * 180);
        text =
          roll < 0.0075
            ? ` <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Contour Diabetes" sourceVersion="4.1.0" unit="mg/dL" creationDate="${at}" startDate="${at}" endDate="${at}" value="${mgdl}">\n  <MetadataEntry key="HKBloodGlucoseMealTime" value="${1 + Math.floor(next() * 2)}"/>\n </Record>\n`
            : ` <Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Santé" sourceVersion="17.3" unit="mmol&lt;180.1558800000541&gt;/L" creationDate="${at}" startDate="${at}" endDate="${at}" value="${(mgdl / 18.016).toFixed(1)}"/>\n`;
      } else if (roll < 0.45) {
        text = ` <Record type="HKQuantityTypeIdentifierHeartRate" ${WATCH} unit="count/min" creationDate="${at}" startDate="${at}" endDate="${at}" value="${55 + Math.floor(next() * 70)}">\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="${Math.floor(next() * 3)}"/>\n </Record>\n`;
      } else if (roll < 0.65) {
        text = ` <Record type="HKQuantityTypeIdentifierActiveEnergyBurned" ${WATCH} unit="kcal" creationDate="${at}" startDate="${at}" endDate="${at}" value="${(next() * 3).toFixed(3)}"/>\n`;
      } else if (roll < 0.8) {
        text = ` <Record type="HKQuantityTypeIdentifierBasalEnergyBurned" ${WATCH} unit="kcal" creationDate="${at}" startDate="${at}" endDate="${at}" value="${(next() * 2).toFixed(3)}"/>\n`;
      } else if (roll < 0.9) {
        text = ` <Record type="HKQuantityTypeIdentifierStepCount" ${PHONE} unit="count" creationDate="${at}" startDate="${at}" endDate="${at}" value="${Math.floor(next() * 900)}"/>\n`;
      } else if (roll < 0.998) {
        text = ` <Record type="HKQuantityTypeIdentifierDistanceWalkingRunning" ${PHONE} unit="km" creationDate="${at}" startDate="${at}" endDate="${at}" value="${(next() * 0.6).toFixed(4)}"/>\n`;
      } else if (roll < 0.999) {
        text = ` <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="${(20 + next() * 40).toFixed(2)}" durationUnit="min" ${WATCH} creationDate="${at}" startDate="${at}" endDate="${at}">\n  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="${at}" endDate="${at}" sum="${(next() * 5).toFixed(2)}" unit="km"/>\n </Workout>\n`;
      } else {
        text = ` <ActivitySummary dateComponents="${at.slice(0, 10)}" activeEnergyBurned="${(300 + next() * 300).toFixed(1)}" activeEnergyBurnedGoal="400" activeEnergyBurnedUnit="kcal" appleExerciseTime="${Math.floor(next() * 60)}" appleExerciseTimeGoal="30" appleStandHours="${Math.floor(next() * 14)}" appleStandHoursGoal="12"/>\n`;
      }
      if (text.startsWith(' <Record')) records++;
      parts.push(text);
      length += text.length;
    }
    await emit(parts.join(''));
  }
  await emit(TAIL);
  return { bytes, records, weights, glucose };
}
