/**
 * The sources the prevention rules rely on, copied from the research snapshot
 * (shared/prevention/SOURCES.md, reference date 2026-11-23) so that every reminder can name where
 * it comes from. Ids are SOURCES.md's and must stay in step with it: a rule cites ids, never URLs.
 * Only the sources a rule actually cites are here (a test checks both directions).
 *
 * Tiers: `official` is a public publisher (Légifrance, service-public.fr, ameli.fr, HAS, INCa,
 * Santé publique France, vaccination-info-service.fr, an ARS); `official-reprint` is a verbatim
 * republication of an official text; `secondary` is press, medical press or a professional body.
 */

export type SourceTier = 'official' | 'official-reprint' | 'secondary';

export interface Source {
  readonly id: string;
  readonly title: string;
  readonly publisher: string;
  /** As precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD; null when undated. */
  readonly date: string | null;
  readonly url: string;
  readonly tier: SourceTier;
  /** What SOURCES.md says about the source's limits (outdated, attribution unsure), if anything. */
  readonly caveat: string | null;
}

function source(id: string, tier: SourceTier, publisher: string, date: string | null, title: string, url: string, caveat: string | null = null): Source {
  return { id, title, publisher, date, url, tier, caveat };
}

export const PREVENTION_SOURCES = {
  S1: source('S1', 'secondary', 'Vidal (D. Paitraud)', '2025', "Vaccination : l'édition 2025 du calendrier et des recommandations est publiée", 'https://www.vidal.fr/actualites/31345-vaccination-l-edition-2025-du-calendrier-et-des-recommandations-est-publiee.html'),
  S2: source('S2', 'secondary', 'URML Pays de la Loire', '2025-05', 'Calendrier vaccinal 2025', 'https://urml-paysdelaloire.org/2025/05/calendrier-vaccinal-2025'),
  S3: source('S3', 'official', 'service-public.fr (DILA)', '2024-05-02', 'Calendrier vaccinal : quels changements pour 2024 ?', 'https://service-public.fr/particuliers/actualites/A16520'),
  S4: source('S4', 'official', 'service-public.fr (DILA)', '2025-05-16', "Papillomavirus : la vaccination recommandée jusqu'à 26 ans", 'https://www.service-public.fr/particuliers/actualites/A18252'),
  S5: source('S5', 'official', 'vaccination-info-service.fr, reprinted by perinat-normandie.fr', '2026-01-29', 'Rattrapage vaccination HPV jusqu’à 26 ans révolus', 'https://www.perinat-normandie.fr/rattrapage-vaccination-hpv-jusqua-26-ans-revolus', 'attribution to vaccination-info-service.fr partly unconfirmed'),
  S7: source('S7', 'secondary', 'Le Quotidien du Médecin', '2025', 'La vaccination en 2025', 'https://medecine-generale.lequotidiendumedecin.fr/fmc-recos/la-vaccination-en-2025'),
  S9: source('S9', 'secondary', 'Viva magazine', '2025-01', 'Vaccination obligatoire pour les infections à méningocoques', 'https://www.vivamagazine.fr/vaccination-obligatoire-pour-les-infections-a-meningocoques/'),
  S10: source('S10', 'secondary', 'dayfr', '2025', 'Calendrier vaccinal 2025 : mobilisation renforcée', 'https://news.dayfr.com/health/4217223.html'),
  S11: source('S11', 'secondary', 'Le Quotidien du pharmacien', '2016', 'Les vaccins pédiatriques en 2016', 'https://static2.lequotidiendupharmacien.fr/exercice-pro/politique-de-sante/les-vaccins-pediatriques-en-2016', 'old (2016)'),
  S12: source('S12', 'secondary', 'Le Quotidien du Médecin', null, "L'âge adulte ; La transition entre ancien et nouveau calendrier vaccinal", 'https://static2.lequotidiendumedecin.fr/fmc-recos/lage-adulte'),
  S13: source('S13', 'secondary', 'secourisme.net', null, 'Recalage des rappels dTP après le calendrier 2013', 'http://www.secourisme.net/spip.php?breve339'),
  S14: source('S14', 'official', 'ARS Pays de la Loire', '2025-10', 'Grippe saisonnière et Covid-19 : lancement de la campagne de vaccination 2025-2026', 'https://www.pays-de-la-loire.ars.sante.fr/grippe-saisonniere-et-covid-19-lancement-de-la-campagne-de-vaccination-2025-2026'),
  S15: source('S15', 'official', 'ARS Bourgogne-Franche-Comté', '2026', "Grippe saisonnière et Covid-19 : prolongation de la campagne de vaccination jusqu'au 28 février", 'https://www.bourgogne-franche-comte.ars.sante.fr/grippe-saisonniere-et-covid-19-prolongation-de-la-campagne-de-vaccination-jusquau-28-fevrier'),
  S16: source('S16', 'official', 'professionnels.vaccination-info-service.fr', '2024', 'Zona', 'https://professionnels.vaccination-info-service.fr/Maladies-et-leurs-vaccins/Zona'),
  S17: source('S17', 'secondary', 'Infovac', null, 'Shingrix (zona)', 'https://www.infovac.fr/vaccin/shingrix-zona'),
  S18: source('S18', 'secondary', 'MesVaccins.net, summarising HAS (2024-07-04)', '2024-07', 'Recommandation HAS : vaccination contre le VRS des adultes de 60 ans et plus', 'https://cdnsw.mesvaccins.net/web/news/22198'),
  S19: source('S19', 'official-reprint', 'URPS infirmiers Occitanie, quoting HAS (2025-01-28)', '2025', 'Vaccination contre le pneumocoque', 'https://urpsinfirmiers-occitanie.fr/Vaccination-contre-le-pneumocoque'),
  S21: source('S21', 'official', 'ameli.fr', '2024', 'Le dépistage organisé du cancer du sein', 'https://www.ameli.fr/exercice-coordonne/sante-prevention/depistages-organises-cancers/depistage-organise-du-cancer-du-sein'),
  S22: source('S22', 'official', 'ameli.fr', null, 'Dépistage gratuit du cancer du sein entre 50 et 74 ans', 'https://www.ameli.fr/assure/sante/assurance-maladie/prevention-depistages/depistages-organises-cancer/depistage-gratuit-50-74-ans'),
  S23: source('S23', 'official', 'INCa (e-cancer.fr)', null, 'Comment faire ce dépistage (cancers du sein)', 'https://jefaismondepistage.e-cancer.fr/cancers-du-sein/comment-faire-ce-depistage'),
  S24: source('S24', 'official', 'INCa (e-cancer.fr)', null, 'Les examens de dépistage', 'https://moyenspouragir.e-cancer.fr/les-examens-de-depistage-chapitre14.html'),
  S25: source('S25', 'official', 'Santé publique France (BEH 2024 n°5)', '2024', 'Participation au dépistage organisé du cancer colorectal', 'https://beh.santepubliquefrance.fr/beh/2024/5/2024_5_1.html'),
  S26: source('S26', 'secondary', 'CRCDC Île-de-France', null, 'Dépistage du cancer colorectal : qui est concerné ?', 'https://www.depistage-cancers-idf.org/depistage-cancer-colorectal-idf-qui'),
  S27: source('S27', 'secondary', 'CPTS du Pourtour belfortain', null, 'Dépistage colorectal : kit en pharmacie et en ligne', 'https://cpts-pourtourbelfortain.fr/?p=975'),
  S28: source('S28', 'official', 'HAS, Santé publique France and INCa (e-cancer.fr)', null, 'Vos questions sur le HPV : le dépistage', 'https://e-cancer.fr/Comprendre-prevenir-depister/Se-faire-depister/Depistage-du-cancer-du-col-de-l-uterus/Vos-questions-sur-le-HPV/Le-depistage'),
  S29: source('S29', 'official', 'ameli.fr', '2024', "Le dépistage organisé du cancer du col de l'utérus", 'https://www.ameli.fr/sage-femme/sante-et-prevention/cancer-du-col-de-l-uterus/depistage-organise-du-cancer-du-col-de-l-uterus'),
  S30: source('S30', 'secondary', 'HappyPharma, summarising the arrêté du 30 juillet 2020', '2020', "Dépistage organisé du cancer du col de l'utérus : nouveau cahier des charges", 'https://happypharma.fr/depistage-organise-du-cancer-du-col-de-luterus-nouveau-cahier-des-charges'),
  S31: source('S31', 'secondary', 'CRCDC Grand Est', null, "Recommandations, cancer du col de l'utérus", 'https://depistagecancer-ge.fr/professionnels-de-sante/cancer-col-uterus/recommandations-cancer-col-uterus/'),
  S32: source('S32', 'official', 'Légifrance', '2019-02-26', "Arrêté du 26 février 2019 relatif au calendrier des examens médicaux obligatoires de l'enfant", 'https://www.legifrance.gouv.fr/loda/id/JORFTEXT000038175215/'),
  S33: source('S33', 'official', 'Légifrance', '2019-02-26', 'Décret n° 2019-137 du 26 février 2019', 'https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000038175075'),
  S34: source('S34', 'official-reprint', 'juriblio.fr, reprinting the Code de la santé publique', null, 'Code de la santé publique, article R2132-1', 'https://juriblio.fr/codes/code-de-la-sante-publique/partie-reglementaire/deuxieme-partie/livre-ier/titre-iii/chapitre-ii/section-1/article-r2132-1'),
  S35: source('S35', 'official-reprint', 'info-beaune.com, reprinting service-public.fr', '2024-12-27', 'Le calendrier des examens médicaux obligatoires des enfants évolue à compter de janvier 2025', 'https://www.info-beaune.com/articles/2024/12/27/9528/le-calendrier-des-examens-medicaux-obligatoires-des-enfants-evolue-a-compter-de-janvier-2025'),
  S37: source('S37', 'official-reprint', 'service-public.fr news item of 2025-03-26 (reprint) and fiche F243', '2025-03-26', "M'T dents tous les ans", 'https://lesislettes.com/article_608_1_la-prevention-dentaire-prend-une-nouvelle-forme-avec-m-t-dents-tous-les-ans--_fr.html'),
  S38: source('S38', 'secondary', 'AFP (tahiti-infos) and pourquoidocteur.fr', '2024-09-09', 'Santé : des millions de Français invités à réaliser leur bilan prévention', 'https://www.tahiti-infos.com/Sante-des-millions-de-Francais-invites-a-realiser-leur-bilan-prevention_a225964.html'),
  S39: source('S39', 'secondary', 'prudencia.media', '2025-12', "Remboursement du rattrapage vaccinal contre le papillomavirus jusqu'à 26 ans", 'https://www.prudencia.media/articles/remboursement_du_rattrapage_vaccinal_contre_le_papillomavirus_jusqua_26_ans_9b094dcc'),
  S40: source('S40', 'secondary', 'URPS infirmiers Occitanie, quoting the décret du 5 juillet 2024', '2025-01-31', 'Infections à méningocoques : nouvelle obligation vaccinale pour les nourrissons', 'https://urpsinfirmiers-occitanie.fr/Infections-a-Meningocoques-Nouvelle-obligation-vaccinale-pour-les-nourrissons'),
  S41: source('S41', 'official', 'professionnels.vaccination-info-service.fr', null, 'Quelles sont les vaccinations obligatoires chez le nourrisson ?', 'http://professionnels.vaccination-info-service.fr/FAQ/Repondre-aux-questions-pratiques-des-patients/Quelles-sont-les-vaccinations-obligatoires-chez-le-nourrisson', 'pre-2025 page'),
  S42: source('S42', 'official-reprint', 'archeo-lex.fr', '2018-01-27', 'Code de la santé publique, article R3111-2 (version du 27 janvier 2018)', 'https://archeo-lex.fr/codes/code_de_la_sant%C3%A9_publique/2018-01-27/commit'),
} as const satisfies Record<string, Source>;

export type SourceId = keyof typeof PREVENTION_SOURCES;
