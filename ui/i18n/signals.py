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
    "as_shown_first": {"da": "Listen viser de første {shown} af {n}. Indsnævr med filtrene for at se de andre; "
                             "vurderingen af hele listen herunder gælder alle {n}.",
                       "en": "The list shows the first {shown} of {n}. Narrow the filters to see the others; "
                             "assessing the whole list below applies to all {n}."},
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

# issue 15: Danish throughout, safe actions, new reports apart from old ones
TEXTS_IMPORTS.update({
    "imp_err_empty": {"da": "Filen er tom: der skal være en overskriftsrække og mindst én henvendelse.",
                      "en": "The file is empty: it needs a header row and at least one report."},
    "imp_err_header": {
        "da": "Filens kolonneoverskrifter kan ikke bruges, og intet er gemt (overskrifter i filen, der drejer "
              "sig om: {columns}). Hver kolonne skal have én af overskrifterne Dato, Type, Adresse, Etage, Dør, "
              "Kilde, Bemærkning, Reference eller Troværdighed, hver højst én gang, og Dato, Type og Adresse "
              "skal være der.",
        "en": "The file's column headers can't be used; nothing was stored (headers concerned: {columns}). "
              "Each column needs one of the headers Date, Kind, Address, Floor, Door, Source, Note, Reference "
              "or Credibility, each at most once, and Date, Kind and Address must be there."},
    "imp_err_encoding": {
        "da": "Overskriftsrækken indeholder tegn, der ikke er gyldig tekst. Gem filen igen som CSV (UTF-8) "
              "eller Excel, og prøv igen.",
        "en": "The header row holds characters that are not valid text. Save the file again as CSV (UTF-8) "
              "or Excel and try again."},
    "imp_msg": {"da": "Række {row}: {reason}. {fix}", "en": "Row {row}: {reason}. {fix}"},
    "imp_msg_value": {"da": "Række {row}: {reason} — feltet »{field}« har »{value}«. {fix}",
                      "en": "Row {row}: {reason} — the field '{field}' holds '{value}'. {fix}"},
    "imp_fix_date_missing": {"da": "Skriv datoen for henvendelsen.", "en": "Write the report's date."},
    "imp_fix_date_invalid": {"da": "Skriv datoen som 30.11.2026, 30-11-2026 eller 2026-11-30.",
                             "en": "Write the date as 30.11.2026, 30-11-2026 or 2026-11-30."},
    "imp_fix_date_future": {"da": "Datoen ligger efter i dag; ret den.", "en": "The date is after today; fix it."},
    "imp_fix_kind_unknown": {"da": "Skriv en af typerne: {kinds}.", "en": "Write one of the kinds: {kinds}."},
    "imp_fix_address_missing": {"da": "Skriv adressen (vej, husnummer og gerne postnummer).",
                                "en": "Write the address (street, house number and preferably postcode)."},
    "imp_fix_address_not_found": {"da": "Tjek stavning og husnummer, eller tilføj postnummeret.",
                                  "en": "Check the spelling and house number, or add the postcode."},
    "imp_fix_address_ambiguous": {"da": "Tilføj husnummerets bogstav eller postnummeret.",
                                  "en": "Add the house number's letter or the postcode."},
    "imp_fix_outside_municipality": {"da": "Adressen hører til en anden kommune; send den videre dertil.",
                                     "en": "The address belongs to another municipality; pass it on there."},
    "imp_fix_field_too_long": {"da": "Gør teksten kortere.", "en": "Shorten the text."},
    "imp_fix_bad_coordinates": {"da": "Ret koordinaterne, eller skriv adressen i stedet.",
                                "en": "Fix the coordinates, or write the address instead."},
    "imp_fix_bad_encoding": {"da": "Gem filen igen som CSV (UTF-8) eller Excel.",
                             "en": "Save the file again as CSV (UTF-8) or Excel."},
    "imp_fix_columns_mismatch": {
        "da": "Rækken har flere celler end overskriften; sæt anførselstegn om cellen, eller fjern skilletegnet.",
        "en": "The row has more cells than the header; quote the cell or remove the delimiter."},
    "imp_fix_credibility_invalid": {"da": "Skriv 1, 2 eller 3 (lav, middel, høj).",
                                    "en": "Write 1, 2 or 3 (low, medium, high)."},
    "imp_fix_cpr_in_reference": {"da": "Brug partnerens sagsnummer som reference.",
                                 "en": "Use the partner's case number as the reference."},
    "imp_fix_cpr_in_source": {"da": "Skriv partnerens navn som kilde.", "en": "Write the partner's name as the source."},
    "imp_reason_other": {"da": "Rækken kan ikke bruges", "en": "The row can't be used"},
    "imp_fix_other": {"da": "Ret rækken, og indlæs den igen.", "en": "Fix the row and import it again."},
    "imp_col_rows_file": {"da": "Fil", "en": "File"},
    "imp_see_map": {"da": "Se de nye henvendelser på kortet", "en": "See the new reports on the map"},
    # new reports apart from old ones (Kort)
    "map_show": {"da": "Vis henvendelser", "en": "Show reports"},
    "map_show_all": {"da": "Alle", "en": "All"},
    "map_show_latest": {"da": "Kun fra seneste indlæsning", "en": "Only from the latest import"},
    "map_latest_caption": {
        "da": "Viser kun henvendelserne fra seneste indlæsning: {n} fra filen {file}, indlæst {when} af {who}.",
        "en": "Showing only the reports of the latest import: {n} from the file {file}, imported {when} by {who}."},
    "map_no_import": {"da": "Der er endnu ikke indlæst nogen fil med henvendelser; alle vises.",
                      "en": "No file of reports has been imported yet; all are shown."},
    "map_latest_tag": {"da": "ny", "en": "new"},
    # many reports: counts per cell, addresses per area (issue 18)
    "map_cells_info": {
        "da": "{n} henvendelser er for mange til at vise én for én: kortet viser antal pr. kvadrat "
              "(10 km, 1 km og 250 m efter zoom). Vælg et område for at se adresserne.",
        "en": "{n} reports are too many to show one by one: the map shows counts per square "
              "(10 km, 1 km and 250 m by zoom). Choose an area to see the addresses."},
    "map_area": {"da": "Vis adresser i område", "en": "Show addresses in area"},
    "map_area_all": {"da": "Hele kommunen (antal pr. kvadrat)", "en": "The whole municipality (counts per square)"},
    "map_area_cells": {
        "da": "{n} henvendelser i {area} er stadig for mange til at vise én for én: kortet viser antal pr. kvadrat.",
        "en": "{n} reports in {area} are still too many to show one by one: the map shows counts per square."},
    "map_area_points": {"da": "Viser de {n} henvendelser i {area}.", "en": "Showing the {n} reports in {area}."},
    # assessment: no preselection, bulk, undo
    "as_pick_none": {"da": "Vælg en henvendelse …", "en": "Choose a report …"},
    "as_pick_first": {"da": "Vælg en henvendelse ovenfor for at vurdere den.", "en": "Choose a report above to assess it."},
    "as_value_none": {"da": "Vælg vurdering …", "en": "Choose an assessment …"},
    "as_need_value": {"da": "Vælg en vurdering først.", "en": "Choose an assessment first."},
    "as_bulk_heading": {"da": "Vurdér alle {n} henvendelser i listen på én gang",
                        "en": "Assess all {n} reports in the list at once"},
    "as_bulk_confirm": {"da": "Ja, giv alle {n} henvendelser i listen denne vurdering",
                        "en": "Yes, give all {n} reports in the list this assessment"},
    "as_bulk_save": {"da": "Gem vurdering for alle", "en": "Save assessment for all"},
    "as_bulk_need_confirm": {"da": "Sæt kryds for at bekræfte, at alle {n} skal have vurderingen.",
                             "en": "Tick the box to confirm that all {n} get the assessment."},
    "as_bulk_saved": {"da": "{n} henvendelser er vurderet.", "en": "{n} reports are assessed."},
    "as_undo": {"da": "Fortryd seneste vurdering", "en": "Undo the last assessment"},
    "as_undo_caption": {"da": "Seneste vurdering: {n} henvendelse(r) sat til »{value}« {when}.",
                        "en": "Last assessment: {n} report(s) set to '{value}' {when}."},
    "as_undone": {"da": "Vurderingen er fortrudt: {n} henvendelse(r) har fået deres tidligere vurdering igen.",
                  "en": "The assessment is undone: {n} report(s) have their earlier assessment back."},
    "as_nothing_to_undo": {"da": "Der er ingen vurdering at fortryde.", "en": "There is no assessment to undo."},
    "as_cell_none": {"da": "Ingen felter med henvendelser", "en": "No cells with reports"},
    "as_col_assessed": {"da": "Vurderet", "en": "Assessed"},
})
