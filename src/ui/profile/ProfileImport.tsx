/**
 * The profile in and out, in the formats clinicians' tools read. Out: the International Patient
 * Summary (FHIR R4 document Bundle), checked against the IPS section rules before it is offered,
 * behind the plain warning that the file is no longer encrypted. In: an IPS bundle (JSON or XML)
 * or a French vaccination CDA document; what it would add is shown first, entry by entry, with
 * what is already in the profile set aside, and only the entries the patient keeps are added.
 */
import { createSignal, For, onMount, Show } from 'solid-js';
import { localDay, profileEntries, type ProfileSnapshot } from '../../app/health-profile.ts';
import type { VaultSession } from '../../app/session.ts';
import { readCdaVaccinations, type CdaVaccinationError } from '../../core/profile/cda-vaccinations.ts';
import { entryProblems, type EntryProblem, type ProfileEntry } from '../../core/profile/entry.ts';
import { exportIps, validateIpsStructure, type IpsResult } from '../../core/profile/ips-export.ts';
import { parseIps, planProfileImport, type IpsError, type IpsProblem } from '../../core/profile/ips-import.ts';
import { KG_PER_LB } from '../../core/readings/series.ts';
import { Alert, MaybeAlert } from '../components/Alert.tsx';
import { useApp } from '../context.tsx';
import { downloadBlob } from '../download.ts';
import { describeError } from '../errors.ts';
import type { Dictionary } from '../i18n/i18n.ts';
import { readingsOf } from '../readings/view.ts';
import { logUnexpected } from '../task.ts';
import { entrySummary } from './summary.ts';
import { takeOffered } from './pending.ts';
import { profileOf } from './view.ts';

/** 20 MB: a patient summary is a few hundred kilobytes; a vaccination CDA far less. */
const MAX_BYTES = 20 * 1024 * 1024;

interface Proposal {
  readonly source: 'ips' | 'cda';
  readonly add: readonly ProfileEntry[];
  /** By index in `add`: dates that cannot be (before birth, in the future); never pre-ticked, never added. */
  readonly impossible: ReadonlyMap<number, readonly EntryProblem[]>;
  readonly duplicates: number;
  readonly notes: readonly string[];
}

function errorWords(t: Dictionary, error: IpsError | CdaVaccinationError): string {
  const words = t.profile.io.errors;
  switch (error.type) {
    case 'IpsTooLarge':
      return words.tooLarge;
    case 'IpsUnreadable':
    case 'CdaNotXml':
      return words.unreadable;
    case 'IpsNotFhir':
    case 'CdaNotClinicalDocument':
      return words.notFhir;
    case 'IpsNotABundle':
      return words.notABundle(error.resourceType);
    case 'IpsNotADocument':
      return words.notADocument;
    case 'IpsNotPatientSummary':
      return words.notPatientSummary;
    case 'NoVaccinations':
      return words.noVaccinations;
    case 'Invalid':
      return words.invalid;
  }
}

function problemWords(t: Dictionary, problem: IpsProblem): string {
  const words = t.profile.io.problems;
  switch (problem.type) {
    case 'Skipped':
      return words.skipped(problem.resourceType, problem.name ?? '');
    case 'Unsupported':
      return words.unsupported(problem.resourceType, problem.count);
    case 'UnknownCode':
      return words.unknownCode(problem.resourceType, problem.code.code);
    case 'VaccineTargetsUnknown':
      return words.targetsUnknown(problem.vaccine);
    case 'NarrativeOnly':
      return words.narrativeOnly(problem.title ?? problem.code ?? '');
  }
}

export function ProfileImport(props: { session: VaultSession; snapshot: ProfileSnapshot }) {
  const { t, preferences } = useApp();
  const words = () => t().profile.io;
  const view = profileOf(props.session);
  const [proposal, setProposal] = createSignal<Proposal | null>(null);
  const [kept, setKept] = createSignal<ReadonlySet<number>>(new Set());
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const latestWeight = async (): Promise<IpsResult[]> => {
    const store = readingsOf(props.session).store;
    const time = await store.latest('weight');
    if (time === null) return [];
    const { readings } = await store.load('weight', time, time + 1);
    const last = readings.at(-1);
    if (last === undefined) return [];
    return [{ loinc: '29463-7', display: 'Body weight', value: last.unit === 'lb' ? last.value * KG_PER_LB : last.value, unit: 'kg', time: last.time }];
  };

  const exportSummary = async () => {
    setError(null);
    if (!window.confirm(words().exportWarning)) return;
    try {
      // The newest identity only: two devices may each have written one before a sync.
      const bundle = exportIps({ entries: profileEntries(props.snapshot), results: await latestWeight(), now: Date.now(), newId: () => crypto.randomUUID() });
      const issues = validateIpsStructure(bundle);
      // The export is ours: a structural problem is a bug, never a file handed to a clinician.
      if (issues.length > 0) throw new Error(`IPS export failed its own checks: ${issues.map((issue) => `${issue.path} ${issue.problem}`).join('; ')}`);
      downloadBlob(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/fhir+json' }), `carnet-ips-${localDay(Date.now(), preferences.timeZone())}.json`);
      setDone(words().exported);
    } catch (failure) {
      logUnexpected(failure);
      setError(t().errors.unexpected);
    }
  };

  const read = async (file: File) => {
    setError(null);
    setDone(null);
    setProposal(null);
    if (file.size === 0) return void setError(t().errors.FileEmpty(file.name));
    if (file.size > MAX_BYTES) return void setError(words().errors.tooLarge);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      return void setError(t().errors.FileUnreadable(file.name));
    }
    const existing = props.snapshot.entries.map((record) => record.data);
    const head = new TextDecoder().decode(bytes.subarray(0, 4096));
    if (/<ClinicalDocument[\s>]/.test(head)) {
      const vaccinations = readCdaVaccinations(bytes);
      if (!vaccinations.ok) return void setError(errorWords(t(), vaccinations.error));
      const plan = planProfileImport(existing, vaccinations.value.entries);
      const notes = vaccinations.value.skipped.map((skip) => words().cdaSkipped(skip.vaccine ?? '?', words().skipReason[skip.reason]));
      return offer({ source: 'cda', add: plan.add, duplicates: plan.duplicates.length, notes }, null);
    }
    const parsed = parseIps(bytes);
    if (!parsed.ok) return void setError(errorWords(t(), parsed.error));
    const incoming = parsed.value.identity !== null && props.snapshot.identity === null ? [parsed.value.identity, ...parsed.value.entries] : parsed.value.entries;
    const plan = planProfileImport(existing, incoming);
    const notes = [
      ...parsed.value.problems.map((problem) => problemWords(t(), problem)),
      ...parsed.value.absent.map((absence) => words().absent(absence.code.display ?? absence.code.code)),
      ...plan.conflicts.map((conflict) => words().identityDiffers(`${conflict.incoming.givenName} ${conflict.incoming.familyName}`.trim(), conflict.incoming.birthDate ?? '?')),
    ];
    offer({ source: 'ips', add: plan.add, duplicates: plan.duplicates.length, notes }, props.snapshot.identity === null ? (parsed.value.identity?.birthDate ?? null) : null);
  };

  // A document the patient was reading, handed over to offer its vaccinations.
  onMount(() => {
    const offered = takeOffered(props.session);
    if (offered !== undefined) void read(offered);
  });

  /** Checks each proposed entry's dates against today and the birth date (the profile's, or the one arriving). */
  const offer = (next: Omit<Proposal, 'impossible'>, arrivingBirth: string | null) => {
    const birth = props.snapshot.identity?.data.birthDate ?? arrivingBirth;
    const today = view.store.today();
    const impossible = new Map<number, readonly EntryProblem[]>();
    next.add.forEach((entry, index) => {
      const problems = entryProblems(entry, today, entry.section === 'identity' ? null : birth);
      if (problems.length > 0) impossible.set(index, problems);
    });
    setProposal({ ...next, impossible });
    setKept(new Set(next.add.map((_, index) => index).filter((index) => !impossible.has(index))));
  };

  const add = async () => {
    const current = proposal();
    if (current === null) return;
    const chosen = current.add.filter((_, index) => kept().has(index));
    setBusy(true);
    const added = await view.store.addAll(chosen);
    setBusy(false);
    if (!added.ok) return void setError(describeError(t(), added.error));
    setProposal(null);
    view.changed();
    setDone(words().added(added.value.added));
  };

  return (
    <>
      <section class="card" aria-labelledby="ips-export-title">
        <h2 id="ips-export-title">{words().exportTitle}</h2>
        <p>{words().exportIntro}</p>
        <p class="hint warning">{words().exportPlain}</p>
        <button type="button" onClick={() => void exportSummary()}>{words().exportButton}</button>
      </section>
      <section class="card" aria-labelledby="ips-import-title">
        <h2 id="ips-import-title">{words().importTitle}</h2>
        <p>{words().importIntro}</p>
        <div class="field">
          <label for="profile-import-file">{words().chooseFile}</label>
          <input
            id="profile-import-file"
            data-testid="profile-import-file"
            type="file"
            accept=".json,.xml,application/fhir+json,application/fhir+xml,application/json,text/xml,application/xml"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file !== undefined) void read(file);
              event.currentTarget.value = '';
            }}
          />
        </div>
        <MaybeAlert tone="error" message={error()} />
        <MaybeAlert tone="success" message={done()} />
        <Show when={proposal()}>
          {(current) => (
            <div class="import-preview" aria-labelledby="import-preview-title">
              <h3 id="import-preview-title">{current().source === 'cda' ? words().cdaFound(current().add.length + current().duplicates) : words().ipsFound(current().add.length)}</h3>
              <Show when={current().duplicates > 0}>
                <p>{words().duplicates(current().duplicates)}</p>
              </Show>
              <Show when={current().add.length > 0} fallback={<Alert tone="info">{words().nothingNew}</Alert>}>
                <fieldset>
                  <legend>{words().chooseEntries}</legend>
                  <ul class="plain">
                    <For each={current().add}>
                      {(entry, index) => (
                        <li>
                          <label class="target">
                            <input
                              type="checkbox"
                              disabled={current().impossible.has(index())}
                              aria-describedby={current().impossible.has(index()) ? `impossible-${index()}` : undefined}
                              checked={kept().has(index())}
                              onChange={(event) => {
                                const next = new Set(kept());
                                if (event.currentTarget.checked) next.add(index());
                                else next.delete(index());
                                setKept(next);
                              }}
                            />
                            <span>
                              <strong>{t().profile.section[entry.section as keyof Dictionary['profile']['section']] ?? entry.section}</strong> · {entrySummary(t(), entry)}
                            </span>
                          </label>
                          <Show when={current().impossible.get(index())}>
                            {(problems) => (
                              <p class="field-error" id={`impossible-${index()}`}>
                                {problems().map((problem) => (problem.type === 'InFuture' ? t().profile.problems.inFuture : t().profile.problems.beforeBirth)).join(', ')}
                              </p>
                            )}
                          </Show>
                        </li>
                      )}
                    </For>
                  </ul>
                </fieldset>
              </Show>
              <Show when={current().notes.length > 0}>
                <details open>
                  <summary>{words().notes(current().notes.length)}</summary>
                  <ul>
                    <For each={current().notes}>{(note) => <li>{note}</li>}</For>
                  </ul>
                </details>
              </Show>
              <p class="actions">
                <Show when={current().add.length > 0}>
                  <button type="button" disabled={busy() || kept().size === 0} onClick={() => void add()}>
                    {words().addButton(kept().size)}
                  </button>
                </Show>
                <button type="button" class="secondary" onClick={() => setProposal(null)}>{t().profile.cancel}</button>
              </p>
            </div>
          )}
        </Show>
      </section>
      <p><a href="#/profile">{words().back}</a></p>
    </>
  );
}
