/** The Apple Health export import, in French: the reference shape. */
export const appleHealth = {
  title: 'Importer un export Apple Santé',
  intro:
    'Dans l’app Santé de l’iPhone : votre photo, puis « Exporter toutes les données de santé ». Choisissez le fichier export.zip reçu (ou le export.xml qu’il contient). Carnet en garde le poids et la glycémie ; le reste est compté, pas importé. Le fichier est lu sur cet appareil, jamais envoyé.',
  choose: 'Choisir export.zip ou export.xml',
  reading: (file: string) => `Lecture de « ${file} »…`,
  progressLabel: 'Progression de la lecture',
  progress: (read: string, total: string) => `${read} lus sur ${total}`,
  cancel: 'Arrêter la lecture',
  cancelled: 'Lecture arrêtée. Rien n’a été importé.',
  previewTitle: (file: string) => `Avant d’importer « ${file} »`,
  ordinals: 'Les numéros de la liste des lignes non importées sont ceux des mesures dans l’export (la 1re, la 2e…), pas des lignes du fichier.',
  truncated:
    'Ce fichier s’arrête avant sa fin (téléchargement ou copie interrompus ?). Les mesures lues avant la coupure sont proposées ci-dessous ; elles ne seront importées que si vous l’acceptez. Vous pouvez aussi refaire l’export sur l’iPhone.',
  malformed: (detail: string) =>
    `Ce fichier est abîmé à un endroit (${detail}) : la lecture s’est arrêtée là. Les mesures lues avant sont proposées ci-dessous ; elles ne seront importées que si vous l’acceptez.`,
  markup: {
    tooDeep: (limit: number) => `des éléments imbriqués sur plus de ${limit} niveaux`,
    crossed: (closing: string, open: string) => (open === '' ? `</${closing}> ne ferme aucune balise` : `</${closing}> ferme <${open}>`),
    comment: '« -- » dans un commentaire',
    declaration: 'une déclaration au milieu du document',
    strayLt: 'un « < » qui n’ouvre aucune balise',
    brokenTag: (name: string) => `une balise <${name}> cassée`,
    tagTooLong: (size: string) => `une balise de plus de ${size}`,
  },
  done: (n: number) => (n === 1 ? '1 mesure ajoutée depuis Apple Santé.' : `${n.toLocaleString('fr-FR')} mesures ajoutées depuis Apple Santé.`),
  errors: {
    notAppleHealth: 'Ce fichier n’est pas un export Apple Santé (il ne commence pas par <HealthData>). Rien n’a été importé.',
    emptyFile: 'Ce fichier est vide. Rien n’a été importé.',
    noReadings: (reasons: string) => `Cet export ne contient aucune mesure de poids ou de glycémie utilisable. ${reasons} Rien n’a été importé.`,
    noReadingsTruncated: 'Cet export s’arrête avant sa fin, et aucune mesure de poids ou de glycémie n’a pu être lue avant la coupure. Rien n’a été importé.',
    noReadingsDamaged: (detail: string) => `Cet export est abîmé (${detail}) avant toute mesure de poids ou de glycémie : aucune n’a pu être lue. Rien n’a été importé.`,
    zipWithoutExport: 'Cette archive ne contient pas de export.xml : ce n’est pas un export Apple Santé. Rien n’a été importé.',
    zipUnreadable: 'Cette archive est illisible ou incomplète (téléchargement interrompu ?). Rien n’a été importé.',
    zipUnsupported: 'Cette archive est chiffrée ou compressée d’une façon que Carnet ne lit pas. Décompressez-la et choisissez export.xml. Rien n’a été importé.',
    fileUnreadable: 'Le navigateur n’a pas pu lire ce fichier (déplacé ou supprimé ?). Rien n’a été importé.',
  },
};
