"""UI texts (Danish, English) of the import and assessment pages."""

TEXTS_IMPORTS: dict[str, dict[str, str]] = {
    "page_import": {"da": "Indlæs henvendelser", "en": "Import reports"},
    "page_assess": {"da": "Vurdering", "en": "Assessment"},
    # import page
    "imp_heading": {"da": "Indlæs henvendelser fra samarbejdspartnere",
                    "en": "Import reports from partners"},
    "imp_caption": {
        "da": "CSV (fx gemt fra Excel, semikolon eller komma), Excel (.xlsx), GeoJSON eller GeoPackage med "
              "punkter. Kolonner på dansk eller engelsk: Dato, Type, Adresse, Etage, Dør, Kilde, Bemærkning, "
              "Reference, Troværdighed. Hver række bliver enten indlæst (med adressens match-kvalitet) eller "
              "afvist med en årsag, du kan rette. Hele filen indlæses samlet — eller slet ikke. "
              "CPR-numre fjernes, før noget gemmes.",
        "en": "CSV (e.g. saved from Excel, semicolon or comma), Excel (.xlsx), GeoJSON or GeoPackage with "
              "points. Columns in Danish or English: Date, Kind, Address, Floor, Door, Source, Note, "
              "Reference, Credibility. Every row is either imported (with its address match quality) or "
              "rejected with a reason you can fix. A file is imported as a whole — or not at all. "
              "CPR numbers are removed before anything is stored.",
    },
    "imp_file": {"da": "Fil med henvendelser", "en": "File of reports"},
    "imp_source": {"da": "Kilde for rækker uden kilde (samarbejdspartner)",
                   "en": "Source for rows without one (partner)"},
    "imp_allow_demo": {"da": "Indlæs alligevel: demoen bliver et rigtigt arbejdsområde (demoens brugere og "
                             "adgangskoder fjernes, og alle skal logge ind bagefter)",
                       "en": "Import anyway: the demo becomes a real workspace (the demo's users and "
                             "passwords are removed, and everyone must sign in afterwards)"},
    "imp_button": {"da": "Indlæs filen", "en": "Import the file"},
    "imp_progress": {"da": "Læser og matcher adresser …", "en": "Reading and matching addresses …"},
    "imp_done": {"da": "Filen er indlæst: {rows} rækker — {imported} nye, {duplicates} dubletter, "
                       "{rejected} afvist.",
                 "en": "The file is imported: {rows} rows — {imported} new, {duplicates} duplicates, "
                       "{rejected} rejected."},
    "imp_failed": {"da": "Filen kan ikke bruges, og intet er gemt:", "en": "The file can't be used; nothing was stored:"},
    "imp_not_allowed": {"da": "Ikke tilladt:", "en": "Not allowed:"},
    "imp_demo_refused": {
        "da": "Ikke tilladt: dette er demoen, og den tager ikke imod rigtige henvendelser. Sæt kryds i "
              "feltet for at indlæse alligevel; så bliver demoen et rigtigt arbejdsområde, hvor alle "
              "skal logge ind.",
        "en": "Not allowed: this is the demo, and it takes no real reports. Tick the box to import anyway; "
              "the demo then becomes a real workspace where everyone must sign in."},
    "imp_m_rows": {"da": "Rækker", "en": "Rows"},
    "imp_m_imported": {"da": "Nye henvendelser", "en": "New reports"},
    "imp_m_duplicates": {"da": "Dubletter", "en": "Duplicates"},
    "imp_m_rejected": {"da": "Afviste rækker", "en": "Rejected rows"},
    "imp_m_cpr_removed": {"da": "Rækker med CPR-nummer fjernet", "en": "Rows with a CPR number removed"},
    "imp_rejected_heading": {"da": "Afviste rækker i denne fil", "en": "Rejected rows of this file"},
    "imp_open_heading": {"da": "Alle åbne afviste rækker", "en": "All open rejected rows"},
    "imp_open_caption": {
        "da": "Hent rækkerne som CSV, ret dem (kolonnen 'Afvist række' skal blive stående) og indlæs filen "
              "igen. En rettet række lukker sin afvisning.",
        "en": "Download the rows as CSV, fix them (keep the 'Afvist række' column) and import the file "
              "again. A fixed row closes its rejection.",
    },
    "imp_none_open": {"da": "Ingen åbne afviste rækker.", "en": "No open rejected rows."},
    "imp_download": {"da": "Hent afviste rækker (CSV)", "en": "Download rejected rows (CSV)"},
    "imp_batches_heading": {"da": "Tidligere indlæsninger", "en": "Earlier imports"},
    "imp_col_when": {"da": "Hvornår", "en": "When"},
    "imp_col_by": {"da": "Af", "en": "By"},
    # reason codes
    "imp_reason_date_missing": {"da": "Dato mangler", "en": "Date missing"},
    "imp_reason_date_invalid": {"da": "Dato kan ikke læses", "en": "Date can't be read"},
    "imp_reason_date_future": {"da": "Dato i fremtiden", "en": "Date in the future"},
    "imp_reason_kind_unknown": {"da": "Ukendt type", "en": "Unknown kind"},
    "imp_reason_address_missing": {"da": "Adresse mangler", "en": "Address missing"},
    "imp_reason_address_not_found": {"da": "Adresse ikke fundet", "en": "Address not found"},
    "imp_reason_address_ambiguous": {"da": "Adressen er tvetydig", "en": "Address ambiguous"},
    "imp_reason_outside_municipality": {"da": "Uden for kommunen", "en": "Outside the municipality"},
    "imp_reason_field_too_long": {"da": "Felt for langt", "en": "Field too long"},
    "imp_reason_bad_coordinates": {"da": "Ugyldige koordinater", "en": "Bad coordinates"},
    "imp_reason_bad_encoding": {"da": "Ugyldige tegn", "en": "Bad characters"},
    "imp_reason_columns_mismatch": {"da": "For mange celler", "en": "Too many cells"},
    "imp_reason_credibility_invalid": {"da": "Ugyldig troværdighed", "en": "Invalid credibility"},
    "imp_reason_cpr_in_reference": {
        "da": "CPR-nummer i referencen — giv rækken partnerens sagsnummer eller en anden reference uden "
              "CPR-nummer, og indlæs den igen",
        "en": "CPR number in the reference — give the row the partner's case number or another reference "
              "without a CPR number, and import it again"},
    "imp_reason_cpr_in_source": {
        "da": "CPR-nummer i kilden — skriv partnerens navn som kilde, uden CPR-nummer, og indlæs rækken igen",
        "en": "CPR number in the source — write the partner's name as the source, without a CPR number, "
              "and import the row again"},
    # assessment page
    "as_heading": {"da": "Vurdering af henvendelser", "en": "Assessment of reports"},
    "as_caption": {
        "da": "Er borgeren på adressen i målgruppen? Vurdér hver ny henvendelse. Match-kvaliteten viser, "
              "hvor sikkert adressen er fundet: præcis, rettet eller usikker (tjek adressen).",
        "en": "Is the citizen at the address in the target group? Assess each new report. The match "
              "quality shows how surely the address was found: exact, corrected or uncertain (check it).",
    },
    "as_filter_kind": {"da": "Type", "en": "Kind"},
    "as_filter_source": {"da": "Kilde", "en": "Source"},
    "as_filter_layer": {"da": "Områdelag", "en": "Area layer"},
    "as_filter_area": {"da": "Område", "en": "Area"},
    "as_filter_quality": {"da": "Match-kvalitet", "en": "Match quality"},
    "as_filter_status": {"da": "Vurdering", "en": "Assessment"},
    "as_all": {"da": "Alle", "en": "All"},
    "as_count": {"da": "{n} henvendelser", "en": "{n} reports"},
    "as_none": {"da": "Ingen henvendelser passer til filtrene.", "en": "No reports match the filters."},
    "as_pick": {"da": "Henvendelse", "en": "Report"},
    "as_set": {"da": "Ny vurdering", "en": "New assessment"},
    "as_save": {"da": "Gem vurdering", "en": "Save assessment"},
    "as_saved": {"da": "Vurderingen er gemt.", "en": "The assessment is saved."},
    "as_note": {"da": "Bemærkning", "en": "Note"},
    "as_by": {"da": "Vurderet af {who}, {when}", "en": "Assessed by {who}, {when}"},
    "imp_col_received": {"da": "Modtaget", "en": "Received"},
    "imp_col_address": {"da": "Adresse", "en": "Address"},
    "imp_col_source": {"da": "Kilde", "en": "Source"},
    "imp_col_quality": {"da": "Match-kvalitet", "en": "Match quality"},
    "imp_col_credibility": {"da": "Troværdighed", "en": "Credibility"},
    "imp_col_note": {"da": "Bemærkning", "en": "Note"},
    "imp_col_assessment": {"da": "Vurdering", "en": "Assessment"},
    "imp_q_exact": {"da": "præcis", "en": "exact"},
    "imp_q_corrected": {"da": "rettet", "en": "corrected"},
    "imp_q_uncertain": {"da": "usikker", "en": "uncertain"},
    "imp_a_new": {"da": "ny", "en": "new"},
    "imp_a_in_target_group": {"da": "i målgruppen", "en": "in the target group"},
    "imp_a_not_in_target_group": {"da": "ikke i målgruppen", "en": "not in the target group"},
    "imp_a_unclear": {"da": "uafklaret", "en": "unclear"},
    "imp_bad_quoting": {
        "da": "Filen blev ikke indlæst, og intet blev gemt: i linje {line} åbner et anførselstegn (\") som ikke "
              "lukkes, hvor cellen slutter, så cellen ville sluge de næste rækker. Luk eller fjern anførselstegnet "
              "(et anførselstegn inde i en celle skrives to gange: \"\"), eller fjern linjeskift i cellen.",
        "en": "The file was not imported and nothing was stored: on line {line} a quote (\") opens and does not "
              "close where the cell ends, so the cell would swallow the following rows. Close or remove the quote "
              "(a quote inside a cell is written twice: \"\"), or remove the line breaks in the cell."},
    "imp_cpr_in_source": {
        "da": "Kilden, du har skrevet, indeholder et tal, der ligner et CPR-nummer. Intet blev indlæst. Skriv "
              "samarbejdspartnerens navn som kilde, uden CPR-nummer.",
        "en": "The source you gave holds a number shaped like a CPR number. Nothing was imported. Give the "
              "partner's name as the source, without a CPR number."},
}
