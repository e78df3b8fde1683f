/**
 * A deterministic corpus of French medical documents for the search tests and the
 * `documents.search-1000-docs-ms` benchmark (DESIGN.md §7): the same seed always gives the same
 * documents, on any machine. Each document is about one or two topics (diabetes, kidneys,
 * imaging ...), so that a medical word is in some documents and not in others, and its text
 * mixes common words, the topics' words and a few stray medical words, with what real text
 * has: capitals, elisions (l', d', qu'), numbers and codes (5,4 ; 11502-2), œ and æ, and one
 * document in five written in decomposed Unicode (NFD), as some PDF text is.
 */
import type { SearchableDocument } from '../../src/core/search/document-index.ts';

/** Marsaglia's xorshift32: tiny, fast and reproducible; not for anything secret. */
export function createSeededRandom(seed: number): () => number {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** Frequent words first: they are drawn with a Zipf-like weight (the k-th about 1/k). */
const COMMON = `de la le et les des en un une du à est pour par dans avec sur au pas plus ne que qui il elle
son sa ses ce cette nous vous été être avoir a sont ont fait très bien sans sous entre après avant depuis
lors jour jours mois année semaine matin soir nuit heure fois patient patiente médecin docteur traitement
examen suivi contrôle consultation prescription dose comprimé gélule normal normale élevé élevée faible
stable légère léger modéré sévère récent ancien premier première dernier dernière nouveau nouvelle également
toujours encore déjà aucun aucune signe signes état général générale antécédents famille âge poids taille
évolution résultat résultats valeur valeurs taux mesure référence interprétation conclusion recommandation
prévoir revoir réévaluer éventuellement habituel habituelle quotidien hôpital service urgence sœur frère
père mère enfant médecine clinique compte rendu demande motif objet madame monsieur née opéré œil`;

/** Topics: a document is about one or two of them, and its text draws mostly on their words. */
const TOPICS: readonly string[] = [
  `glycémie hémoglobine glyquée HbA1c insuline diabète hypoglycémie hyperglycémie glucose capteur glycosurie
   metformine pancréas jeûne postprandiale cétonurie rétinopathie neuropathie podologue diabétologue`,
  `cœur cardiaque tension artérielle hypertension électrocardiogramme échocardiographie arythmie fibrillation
   auriculaire palpitations douleur thoracique angor cardiologue anticoagulant bêtabloquant pouls systolique diastolique`,
  `cholestérol triglycérides lipidique lipides bilan LDL HDL statine athérome lipoprotéine dyslipidémie régime
   graisses saturées hépatique transaminases foie`,
  `créatinine insuffisance rénale urée clairance débit filtration glomérulaire protéinurie néphrologue dialyse
   albuminurie kaliémie natrémie ionogramme urines`,
  `hémogramme numération formule sanguine sanguin hématies leucocytes plaquettes ferritine fer anémie carence
   vitamine hématocrite lymphocytes neutrophiles prélèvement sérum plasma`,
  `thyroïde thyroïdienne TSH thyroxine lévothyroxine hypothyroïdie hyperthyroïdie nodule goitre endocrinologue
   T4 T3 anticorps iode cytoponction`,
  `radiographie thorax échographie abdominale scanner IRM imagerie radiologue opacité pulmonaire clichés
   incidence coupe contraste mammographie densitométrie osseuse`,
  `vaccin vaccination rappel tétanos diphtérie poliomyélite coqueluche grippe hépatite rougeole oreillons
   rubéole papillomavirus carnet injection pneumocoque méningocoque`,
  `allergie allergique pénicilline amoxicilline urticaire œdème anaphylaxie asthme antihistaminique pollen
   acariens arachide éruption prurit allergologue`,
  `toux bronchite pneumonie spirométrie dyspnée essoufflement saturation oxygène inhalateur bronchodilatateur
   pneumologue expectoration fièvre tabac sevrage`,
  `ordonnance pharmacie posologie renouvellement médicament générique substitution délivrance paracétamol
   ibuprofène antibiotique pharmacien officine remboursement`,
  `grossesse obstétrique gynécologue frottis cervical sage-femme trimestre fœtus amniocentèse contraception
   ménopause échographie morphologique terme accouchement`,
];

const TOPIC_NAMES = ['diabète', 'cardiologie', 'lipides', 'néphrologie', 'hématologie', 'thyroïde', 'imagerie', 'vaccins', 'allergologie', 'pneumologie', 'ordonnances', 'gynécologie'];

const TITLE_HEADS = ['Compte rendu', 'Résultats', 'Bilan', 'Ordonnance', 'Courrier', 'Examen', 'Consultation de suivi', 'Lettre de liaison'];

const SOURCES = [
  'Laboratoire Biogroup Lyon',
  'Hôpital Édouard-Herriot',
  'Dr Amélie Lefèvre, cardiologue',
  'CHU de Nantes',
  'Cabinet de radiologie Saint-Étienne',
  'Dr Benoît Mæder, médecin généraliste',
  'Pharmacie du Cœur de Ville',
  'Clinique Sainte-Thérèse',
  'Laboratoire Cerballiance Paris',
  'Centre de santé Jean-Jaurès',
];

const words = (list: string): string[] => list.split(/\s+/).filter((word) => word !== '');
const COMMON_WORDS = words(COMMON);
const TOPIC_WORDS = TOPICS.map(words);
const ALL_MEDICAL = [...new Set(TOPIC_WORDS.flat())];

/** Cumulative weights 1/(k+1), for drawing common words with a Zipf-like skew. */
const COMMON_CUMULATIVE = COMMON_WORDS.reduce<number[]>((sums, _, k) => [...sums, (sums.at(-1) ?? 0) + 1 / (k + 1)], []);

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function pickCommon(random: () => number): string {
  const target = random() * (COMMON_CUMULATIVE.at(-1) ?? 0);
  let low = 0;
  let high = COMMON_CUMULATIVE.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((COMMON_CUMULATIVE[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  return COMMON_WORDS[low] as string;
}

const VOWEL_START = /^[aeiouyhéèêâîôœæ]/i;
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `count` words of running text about `topics`, with sentences, elisions, numbers and codes. */
function runningText(random: () => number, topics: readonly string[][], count: number): string {
  const out: string[] = [];
  let sentenceStart = true;
  for (let n = 0; n < count; n++) {
    const r = random();
    let word: string;
    if (r < 0.55) word = pickCommon(random);
    else if (r < 0.985) word = pick(random, pick(random, topics));
    else if (r < 0.995) word = pick(random, ALL_MEDICAL);
    else word = pick(random, ['5,4', '11502-2', '2024', '13,5', '4548-4', '120/80', '0,9']);
    if (sentenceStart) word = capitalise(word);
    else if (random() < 0.01) word = word.toUpperCase();
    const previous = out.at(-1);
    // "le examen" is not French: elide it, as the writer would have ("l'examen", "d'insuline").
    if ((previous === 'le' || previous === 'la' || previous === 'de' || previous === 'que') && VOWEL_START.test(word)) {
      out[out.length - 1] = `${previous === 'que' ? 'qu' : previous.charAt(0)}${random() < 0.5 ? "'" : '’'}${word}`;
    } else out.push(word);
    sentenceStart = random() < 0.08;
    if (sentenceStart) out[out.length - 1] += random() < 0.2 ? ' :' : '.';
  }
  return out.join(' ');
}

/**
 * `documents` documents of `wordsPerDocument` words of text each (elided pairs such as
 * "l'examen" count as two), with a title, a note, a source and tags; ids are "doc-0001" ...
 */
export function frenchCorpus(seed: number, documents: number, wordsPerDocument: number): SearchableDocument[] {
  const random = createSeededRandom(seed);
  const corpus: SearchableDocument[] = [];
  for (let d = 0; d < documents; d++) {
    const first = Math.floor(random() * TOPICS.length);
    const topicIndices = random() < 0.5 ? [first] : [first, (first + 1 + Math.floor(random() * (TOPICS.length - 1))) % TOPICS.length];
    const topics = topicIndices.map((t) => TOPIC_WORDS[t] as string[]);
    const title = `${pick(random, TITLE_HEADS)} ${pick(random, topics[0] as string[])} ${pick(random, topics.at(-1) as string[])}`;
    const note = random() < 0.4 ? runningText(random, topics, 5 + Math.floor(random() * 15)) : '';
    const text = runningText(random, topics, wordsPerDocument);
    const decomposed = d % 5 === 4;
    const form = (value: string) => (decomposed ? value.normalize('NFD') : value);
    corpus.push({
      id: `doc-${String(d + 1).padStart(4, '0')}`,
      title: form(title),
      note: form(note),
      source: form(pick(random, SOURCES)),
      tags: topicIndices.map((t) => form(TOPIC_NAMES[t] as string)),
      text: form(text),
    });
  }
  return corpus;
}

/** The 20 queries of the benchmark: accent-free and accented, upper case, prefixes, two words, one typo. */
export const FIXED_QUERIES: readonly string[] = [
  'glycemie',
  'hémoglobine glyquée',
  'resultat',
  'RÉSULTAT',
  'chol',
  'creatinine clairance',
  'ordonance',
  'radio thorax',
  'echographie abdominale',
  'ferritine',
  'tension arterielle',
  'vaccin',
  'lipid',
  'insuf renale',
  'coeur',
  'allergie penicilline',
  'thyr',
  'douleur thoracique',
  'hba1c gly',
  'foetus',
];
