"""UI texts (Danish, English) of the letters to doors where nobody opened (issue 17)."""

TEXTS_LETTERS: dict[str, dict[str, str]] = {
    "lt_heading": {"da": "Brev til beboerne", "en": "Letters to the residents"},
    "lt_caption": {
        "da": "Når ingen har åbnet efter det valgte antal besøg, afleverer parret et brev til hver bolig. "
              "Brevet er på almindeligt dansk: ingen ord om helbred og ingen forkortelser. Det giver teamets "
              "telefonnummer og telefontider.",
        "en": "When nobody has opened after the chosen number of visits, the pair leaves a letter for each "
              "dwelling. The letter is in plain Danish: no health words and no acronyms. It gives the team's "
              "phone number and opening hours.",
    },
    "lt_missing": {
        "da": "Brevene kan ikke udskrives endnu: udfyld {settings} herunder.",
        "en": "The letters cannot be printed yet: fill in {settings} below.",
    },
    "lt_missing_ro": {
        "da": "Brevene kan ikke udskrives endnu: en teamleder eller planlægger skal udfylde {settings}.",
        "en": "The letters cannot be printed yet: a team lead or planner must fill in {settings}.",
    },
    "lt_phone": {"da": "Teamets telefonnummer", "en": "The team's phone number"},
    "lt_hours": {"da": "Telefontider (fx mandag-fredag kl. 9-15)", "en": "Opening hours (e.g. mandag-fredag kl. 9-15)"},
    "lt_team": {"da": "Teamets navn (underskrift)", "en": "The team's name (signature)"},
    "lt_template": {"da": "Brevets tekst", "en": "The letter's text"},
    "lt_placeholders": {
        "da": "Felter der udfyldes i hvert brev: {fields}. Andre felter i krøllede parenteser afvises.",
        "en": "Fields filled in in each letter: {fields}. Other fields in curly brackets are refused.",
    },
    "lt_save": {"da": "Gem brevet", "en": "Save the letter"},
    "lt_restore": {"da": "Gendan standardteksten", "en": "Restore the default text"},
    "lt_saved": {"da": "Brevets indstillinger er gemt.", "en": "The letter's settings are saved."},
    "lt_restored": {"da": "Standardteksten er gendannet.", "en": "The default text is restored."},
    "lt_refused": {"da": "Brevet blev ikke gemt: {detail}", "en": "The letter was not saved: {detail}"},
    "lt_preview": {"da": "Se et eksempel (PDF)", "en": "See an example (PDF)"},
    "lt_download": {"da": "Hent breve (PDF)", "en": "Download letters (PDF)"},
    "lt_count": {"da": "{n} breve i gårækkefølge, én side pr. bolig.", "en": "{n} letters in walking order, "
                 "one page per dwelling."},
    "lt_count_1": {"da": "1 brev.", "en": "1 letter."},
    "lt_setting_team_phone": {"da": "teamets telefonnummer", "en": "the team's phone number"},
    "lt_setting_team_hours": {"da": "telefontiderne", "en": "the opening hours"},
    "lt_field_template": {"da": "Brevets tekst", "en": "The letter's text"},
    "lt_field_team_hours": {"da": "Telefontiderne", "en": "The opening hours"},
    "lt_field_team_name": {"da": "Teamets navn", "en": "The team's name"},
    "err_letter_health_word": {
        "da": "{what} indeholder ord om helbred ({words}). Et brev læses af andre end beboeren: skriv blot, "
              "at teamet gerne vil tale med beboeren.",
        "en": "{what} holds health words ({words}). A letter is read by others than the resident: just say "
              "that the team would like to talk.",
    },
    "err_letter_acronym": {
        "da": "{what} indeholder forkortelser eller paragraffer ({words}). Skriv det ud på almindeligt dansk.",
        "en": "{what} holds acronyms or references to the law ({words}). Write it out in plain Danish.",
    },
    "err_letter_cpr": {"da": "{what} indeholder et tal, der ligner et CPR-nummer. Fjern det.",
                       "en": "{what} holds a number shaped like a CPR number. Remove it."},
    "err_letter_character": {
        "da": "{what} indeholder tegn, som brevet ikke kan udskrive ({words}). Brug bogstaver, tal og "
              "almindelige tegn.",
        "en": "{what} holds characters the letter cannot print ({words}). Use letters, digits and ordinary "
              "punctuation.",
    },
    "err_letter_placeholder": {
        "da": "Feltet {{{value}}} findes ikke. Brug {fields}.",
        "en": "The field {{{value}}} does not exist. Use {fields}.",
    },
    "err_letter_template_empty": {"da": "Brevets tekst er tom. Skriv en tekst, eller gendan standardteksten.",
                                  "en": "The letter's text is empty. Write a text, or restore the default."},
    "err_letter_template_too_long": {"da": "Brevets tekst er for lang (højst 2.000 tegn): et brev skal kunne "
                                           "være på én side.",
                                     "en": "The letter's text is too long (at most 2,000 characters): a letter "
                                           "fits on one page."},
    "err_letter_phone": {"da": "»{value}« er ikke et telefonnummer. Skriv fx 70 20 30 40 eller +45 70 20 30 40.",
                         "en": "“{value}” is not a phone number. Write e.g. 70 20 30 40 or +45 70 20 30 40."},
    "err_letter_setting_too_long": {"da": "Teksten er for lang.", "en": "The text is too long."},
    "err_letter_setting_missing": {
        "da": "Brevene kan ikke udskrives: {settings} mangler. En teamleder eller planlægger udfylder det under "
              "»Brev til beboerne« på siden Ruteplanlægning eller Fokusområder (eller med opspor settings --set "
              "{key}=…).",
        "en": "The letters cannot be printed: {settings} is missing. A team lead or planner fills it in under "
              "“Letters to the residents” on the Route planning or Focus areas page (or with opspor settings "
              "--set {key}=…).",
    },
    "err_no_letters": {"da": "Planen har ingen døre, hvor der skal afleveres brev.",
                       "en": "The plan has no door where a letter is due."},
}
