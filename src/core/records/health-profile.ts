/**
 * The identity part of the patient's health profile ("profil médical"): the `identity` entry of
 * src/core/profile/entry.ts. Everything here is secret: it never appears in a plaintext column, a
 * database name or a log.
 */
import { parseDateText } from '../agenda/calendar.ts';
import { err, ok, type Result } from '../result.ts';
import { Checker, type Invalid } from '../validate.ts';

export const SEXES = ['female', 'male', 'other'] as const;
export const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;

export interface HealthIdentity {
  readonly givenName: string;
  readonly familyName: string;
  /** Calendar date, YYYY-MM-DD, no time zone: a birth date is a date, not an instant. */
  readonly birthDate: string | null;
  readonly sex: (typeof SEXES)[number] | null;
  readonly bloodGroup: (typeof BLOOD_GROUPS)[number] | null;
}

/** A real calendar date (no 31 February) in the proleptic Gregorian calendar, `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  return parseDateText(text) !== null;
}

export function parseHealthIdentity(value: unknown): Result<HealthIdentity, Invalid> {
  const check = new Checker();
  const object = check.object(value, 'data');
  if (object === undefined) return err({ type: 'Invalid', issues: check.issues });
  const givenName = check.string(object['givenName'], 'data.givenName', { max: 200 });
  const familyName = check.string(object['familyName'], 'data.familyName', { max: 200 });
  const birthDate = object['birthDate'] === null ? null : check.string(object['birthDate'], 'data.birthDate', { max: 10 });
  if (typeof birthDate === 'string' && !isCalendarDate(birthDate)) check.fail('data.birthDate', 'not a calendar date');
  const sex = object['sex'] === null ? null : check.oneOf(object['sex'], 'data.sex', SEXES);
  const bloodGroup = object['bloodGroup'] === null ? null : check.oneOf(object['bloodGroup'], 'data.bloodGroup', BLOOD_GROUPS);
  if (
    givenName === undefined || familyName === undefined || birthDate === undefined || sex === undefined ||
    bloodGroup === undefined || check.issues.length > 0
  )
    return err({ type: 'Invalid', issues: check.issues });
  return ok({ givenName, familyName, birthDate, sex, bloodGroup });
}
