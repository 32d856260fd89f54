"""UI texts (Danish, English) of the partner and coverage pages (*kommunikationsstrategi*)."""

TEXTS_PARTNERS: dict[str, dict[str, str]] = {
    # issue 15: the partner yield as a chart
    "par_yield_chart": {"da": "Henvendelser og hvad de førte til", "en": "Reports and what they led to"},
    "par_yield_chart_caption": {
        "da": "For hver samarbejdspartner: hvor mange henvendelser, hvor mange der er vurderet, og hvor "
              "mange der var i målgruppen. Tallene står i tabellen ovenfor.",
        "en": "For each partner: how many reports, how many were assessed and how many were in the target "
              "group. The numbers are in the table above."},
    "par_yield_measure": {"da": "Opgørelse", "en": "Measure"},
    "par_yield_count": {"da": "Antal henvendelser", "en": "Number of reports"},
    "page_partners": {"da": "Samarbejdspartnere", "en": "Partners"},
    "page_coverage": {"da": "Dækning", "en": "Coverage"},
    # --- coverage page
    "cov_title": {"da": "Dækning af samarbejdspartnere", "en": "Partner coverage"},
    "cov_caption": {
        "da": "Hvor dækker netværket af samarbejdspartnere behovet? En partner er **aktiv**, når "
              "der er registreret kontakt inden for det valgte antal måneder; ellers er dækningen "
              "**bortfaldet**. Behovet kommer fra prioriteringsmodellen.",
        "en": "Where does the partner network cover the need? A partner is **active** when a "
              "contact is logged within the chosen number of months; otherwise its coverage has "
              "**lapsed**. The need comes from the priorities model.",
    },
    "cov_layer": {"da": "Områdeinddeling", "en": "Area layer"},
    "cov_months": {"da": "Aktiv ved kontakt inden for (måneder)", "en": "Active with a contact within (months)"},
    "cov_as_of": {"da": "Opgjort pr.", "en": "As of"},
    "cov_need_source": {"da": "Behov beregnet med", "en": "Need computed with"},
    "cov_need_source_priorities": {"da": "prioriteringsmodellen (udglattet rate pr. 1.000 boliger)",
                                   "en": "the priorities model (smoothed rate per 1,000 dwellings)"},
    "cov_aggregate_note": {
        "da": "Du ser kun samlede tal for områder med mindst 20 boliger, opgjort pr. {date} (sidste dag i "
              "seneste hele måned); behovet er beregnet af antal afrundet til et multiplum af 5.",
        "en": "You see only totals for areas with at least 20 dwellings, as of {date} (the last day of the "
              "last complete month); the need is computed from counts rounded to a multiple of 5.",
    },
    "cov_map": {"da": "Kort over dækning og behov", "en": "Map of coverage and need"},
    "cov_legend": {"da": "Sådan læses kortet", "en": "How to read the map"},
    "cov_legend_text": {
        "da": "- **Fyldfarve** = behov (lys → mørk: lavt → højt behov; tallet står også i etiketten).\n"
              "- **Etiketten** i hvert område: `✓` = andel boliger med aktiv dækning, `!` = bortfaldet "
              "(ingen nylig kontakt), `○` = uden dækning.\n"
              "- **Skraveret område med tyk stiplet kant og mærket HUL** = behov, men ingen aktiv partner "
              "(står på hullisten nedenfor). Hvor etiketterne ville ligge oven i hinanden, vises kun den "
              "første; zoom ind for at se resten (alle områder har også en boks, når musen holdes over).\n"
              "- Adressepunkter (kun roller, der må se adresser): tegnet `✓`, `!` eller `○` i hver markør. "
              "Tegnene er valgt, så de ikke ligner bogstaverne for henvendelsernes art på *Kort*.",
        "en": "- **Fill colour** = need (light → dark: low → high need; the figure is also in the label).\n"
              "- **The label** in each area: `✓` = share of dwellings actively covered, `!` = lapsed "
              "(no recent contact), `○` = not covered.\n"
              "- **Hatched area with a thick dashed border marked GAP** = need but no active partner "
              "(on the gap list below). Where labels would lie on top of each other only the first is "
              "shown; zoom in to see the rest (every area also has a tooltip on hover).\n"
              "- Address points (only roles that may see addresses): the sign `✓`, `!` or `○` in each "
              "marker. The signs are chosen not to look like the letters of the report kinds on *Map*.",
    },
    "cov_gap_word": {"da": "HUL", "en": "GAP"},
    "cov_need_word": {"da": "behov", "en": "need"},
    "cov_areas": {"da": "Dækning pr. område", "en": "Coverage per area"},
    "cov_gaps": {"da": "Hulliste: højt behov uden aktiv partner", "en": "Gap list: high need, no active partner"},
    "cov_gaps_caption": {
        "da": "Områder med behov, hvor under {pct} % af boligerne er dækket af en aktiv partner, "
              "ordnet efter behov. De nærmeste partnere er forslag til, hvem man kan (gen)optage "
              "kontakten med.",
        "en": "Areas with need where under {pct} % of dwellings are covered by an active partner, "
              "ranked by need. The nearest partners are suggestions for whom to (re)contact.",
    },
    "cov_no_gaps": {"da": "Ingen huller: alle områder med behov har en aktiv partner.",
                    "en": "No gaps: every area with need has an active partner."},
    "cov_download_gaps": {"da": "Hent hullisten (CSV) til næste partnermøde",
                          "en": "Download the gap list (CSV) for the next partner meeting"},
    "cov_high_need_gaps": {"da": "Områder med højt behov og ingen aktiv partner",
                           "en": "Areas with high need and no active partner"},
    "cov_status_active": {"da": "aktiv partner", "en": "active partner"},
    "cov_status_lapsed": {"da": "bortfaldet (ingen nylig kontakt)", "en": "lapsed (no recent contact)"},
    "cov_status_none": {"da": "uden partner", "en": "no partner"},
    "cov_layer_areas": {"da": "Områder: behov og dækning", "en": "Areas: need and coverage"},
    "cov_col_area": {"da": "Område", "en": "Area"},
    "cov_col_dwellings": {"da": "Boliger", "en": "Dwellings"},
    "cov_col_need": {"da": "Behov (pr. 1.000 boliger)", "en": "Need (per 1,000 dwellings)"},
    "cov_col_active": {"da": "✓ aktiv", "en": "✓ active"},
    "cov_col_lapsed": {"da": "! bortfaldet", "en": "! lapsed"},
    "cov_col_none": {"da": "○ ingen", "en": "○ none"},
    "cov_col_partners_active": {"da": "Aktive partnere", "en": "Active partners"},
    "cov_col_partners_lapsed": {"da": "Partnere uden nylig kontakt", "en": "Partners without recent contact"},
    # --- partners page
    "par_title": {"da": "Samarbejdspartnere og kontaktlog", "en": "Partners and contact log"},
    "par_caption": {
        "da": "Kommunikationsstrategi: systematisk, personlig og løbende kontakt med dem, der møder "
              "borgerne. Kontaktpersoner er forretningskontakter hos partneren — aldrig borgere.",
        "en": "Communication strategy: systematic, personal, ongoing contact with those who meet the "
              "citizens. Contacts are business contacts at the partner — never citizens.",
    },
    "par_tab_registry": {"da": "Register", "en": "Registry"},
    "par_tab_coverage": {"da": "Dækning", "en": "Coverage"},
    "par_cov_caption": {
        "da": "Hvad dækker partneren? Tegn afdelinger og distrikter som områder, sæt en radius om et "
              "punkt, eller indsæt en udlejers adresseliste. Kun partnerens forretningsdata – ingen borgere.",
        "en": "What does the partner cover? Draw estates and districts as areas, set a radius around a "
              "point, or paste a landlord's list of addresses. Only the partner's business data – no citizens.",
    },
    "par_cov_no_partners": {"da": "Der er ingen partnere endnu.", "en": "There are no partners yet."},
    "par_cov_kind": {"da": "Type", "en": "Kind"},
    "par_cov_kind_polygon": {"da": "Område (afdeling/distrikt)", "en": "Area (estate/district)"},
    "par_cov_kind_radius": {"da": "Radius om et punkt", "en": "Radius around a point"},
    "par_cov_kind_entrances": {"da": "Opgang i portefølje", "en": "Entrance in portfolio"},
    "par_cov_items": {"da": "Partnerens dækning", "en": "The partner's coverage"},
    "par_cov_label": {"da": "Betegnelse (fx afdeling 12)", "en": "Label (e.g. estate 12)"},
    "par_cov_detail": {"da": "Radius / adresse", "en": "Radius / address"},
    "par_cov_draw_help": {
        "da": "Brug tegneværktøjerne i kortets venstre side: polygon eller rektangel for et område, "
              "cirkel for en radius. Gem bagefter med knappen under kortet.",
        "en": "Use the drawing tools on the left of the map: polygon or rectangle for an area, circle "
              "for a radius. Then save with the button below the map.",
    },
    "par_cov_drawn": {"da": "Tegnet og ikke gemt: {polygons} område(r), {circles} cirkel/cirkler.",
                      "en": "Drawn and not saved: {polygons} area(s), {circles} circle(s)."},
    "par_cov_save_drawn": {"da": "Gem det tegnede som dækning", "en": "Save the drawing as coverage"},
    "par_cov_saved": {"da": "{n} dækning(er) gemt.", "en": "{n} coverage item(s) saved."},
    "par_cov_portfolio": {"da": "Udlejers portefølje", "en": "Landlord's portfolio"},
    "par_cov_portfolio_help": {"da": "Adresser, én pr. linje (fx Søtofte 12, 8305 Samsø)",
                               "en": "Addresses, one per line (e.g. Søtofte 12, 8305 Samsø)"},
    "par_cov_match": {"da": "Find adresserne i adresseregistret", "en": "Find the addresses in the register"},
    "par_cov_match_result": {"da": "{found} fundet, {missing} ikke fundet.", "en": "{found} found, {missing} not found."},
    "par_cov_line": {"da": "Linje", "en": "Line"},
    "par_cov_address": {"da": "Adresse", "en": "Address"},
    "par_cov_reason": {"da": "Hvorfor ikke fundet", "en": "Why not found"},
    "par_cov_add_found": {"da": "Tilføj de {n} fundne opgange", "en": "Add the {n} entrances found"},
    "par_cov_delete": {"da": "Fjern dækning", "en": "Remove coverage"},
    "par_cov_item": {"da": "Dækning", "en": "Coverage item"},
    "par_cov_delete_btn": {"da": "Fjern", "en": "Remove"},
    "par_tab_import": {"da": "Indlæs", "en": "Import"},
    "par_tab_log": {"da": "Kontaktlog", "en": "Contact log"},
    "par_tab_yield": {"da": "Udbytte", "en": "Yield"},
    "par_tab_feedback": {"da": "Tilbagemelding", "en": "Feedback"},
    "par_add": {"da": "Tilføj samarbejdspartner", "en": "Add a partner"},
    "par_name": {"da": "Navn (organisation)", "en": "Name (organisation)"},
    "par_kind": {"da": "Type", "en": "Kind"},
    "par_contact_name": {"da": "Kontaktperson (funktion eller navn hos partneren)",
                         "en": "Contact (role or name at the partner)"},
    "par_phone": {"da": "Telefon", "en": "Phone"},
    "par_email": {"da": "E-mail", "en": "E-mail"},
    "par_notes": {"da": "Noter om samarbejdet", "en": "Notes on the partnership"},
    "par_save": {"da": "Gem", "en": "Save"},
    "par_added": {"da": "Samarbejdspartneren er tilføjet.", "en": "The partner was added."},
    "par_edit": {"da": "Ret samarbejdspartner", "en": "Edit a partner"},
    "par_active_flag": {"da": "Samarbejdet er i gang (fjern fluebenet, når det er ophørt)",
                        "en": "The partnership is on (untick when it has ended)"},
    "par_updated": {"da": "Samarbejdspartneren er opdateret.", "en": "The partner was updated."},
    "par_read_only": {"da": "Din rolle kan se, men ikke ændre registret.",
                      "en": "Your role can see, not change, the registry."},
    "par_import_file": {"da": "Fil med partnere og dækning (CSV, GeoJSON, GPKG)",
                        "en": "File of partners and coverage (CSV, GeoJSON, GPKG)"},
    "par_import_help": {
        "da": "Kolonner: navn, type, kontaktperson, telefon, email, aktiv, noter, og for dækning "
              "coverage (polygon / entrances / radius), entrance_id, x, y, radius_m, wkt (EPSG:25832). "
              "Hver række tælles med: indlæst, dublet eller afvist med en begrundelse.",
        "en": "Columns: name, kind, contact_name, contact_phone, contact_email, active, notes, and for "
              "coverage: coverage (polygon / entrances / radius), entrance_id, x, y, radius_m, wkt "
              "(EPSG:25832). Every row is accounted for: imported, duplicate or rejected with a reason.",
    },
    "par_demo_refused": {
        "da": "Ikke tilladt: dette er demoen, og den tager ikke imod rigtige samarbejdspartnere. Sæt kryds "
              "i feltet for at indlæse alligevel; så bliver demoen et rigtigt arbejdsområde, hvor alle "
              "skal logge ind.",
        "en": "Not allowed: this is the demo, and it takes no real partners. Tick the box to import anyway; "
              "the demo then becomes a real workspace where everyone must sign in."},
    "par_allow_demo": {"da": "Indlæs alligevel: demoen bliver et rigtigt arbejdsområde (demoens brugere og "
                             "adgangskoder fjernes, og alle skal logge ind bagefter)",
                       "en": "Import anyway: the demo becomes a real workspace (the demo's users and "
                             "passwords are removed, and everyone must sign in afterwards)"},
    "par_import_btn": {"da": "Indlæs", "en": "Import"},
    "par_import_result": {"da": "{rows} rækker: {imported} indlæst, {duplicates} dubletter, {rejected} afvist.",
                          "en": "{rows} rows: {imported} imported, {duplicates} duplicates, {rejected} rejected."},
    "par_rejected": {"da": "Afviste rækker", "en": "Rejected rows"},
    "par_log_add": {"da": "Registrér kontakt", "en": "Log a contact"},
    "par_partner": {"da": "Samarbejdspartner", "en": "Partner"},
    "par_channel": {"da": "Kanal", "en": "Channel"},
    "par_date": {"da": "Dato", "en": "Date"},
    "par_next": {"da": "Næste planlagte kontakt", "en": "Next planned contact"},
    "par_who": {"da": "Hvem fra teamet", "en": "Who from the team"},
    "par_summary": {"da": "Kort referat (ingen borgeroplysninger)", "en": "Short summary (no citizen details)"},
    "par_logged": {"da": "Kontakten er registreret.", "en": "The contact was logged."},
    "par_overdue": {"da": "Partnere med overskreden næste kontakt", "en": "Partners whose next contact is overdue"},
    "par_no_overdue": {"da": "Ingen overskredne kontakter.", "en": "No overdue contacts."},
    "par_log": {"da": "Kontaktlog", "en": "Contact log"},
    "par_yield_caption": {
        "da": "Henvendelser pr. partner, og hvor mange der kom i {days} dage før og efter hver kontakt. "
              "Andel i målgruppen = vurderet i målgruppen ÷ alle henvendelser.",
        "en": "Reports per partner, and how many came in the {days} days before and after each contact. "
              "Share in target group = assessed in the target group ÷ all reports.",
    },
    "par_yield_monthly": {"da": "Henvendelser pr. måned", "en": "Reports per month"},
    "par_yield_contacts": {"da": "Før og efter hver kontakt", "en": "Before and after each contact"},
    "par_feedback_caption": {
        "da": "En tilbagemelding til partneren om deres henvendelser — kun antal pr. kvartal, ingen "
              "adresser eller navne; alle antal er afrundet til et multiplum af 5 (»<5« betyder 0–4).",
        "en": "Feedback to the partner about their reports — counts per quarter only, no addresses or "
              "names; every count is rounded to a multiple of 5 (»<5« means 0–4).",
    },
    "par_make_feedback": {"da": "Lav tilbagemelding", "en": "Make the feedback"},
    "par_download_pdf": {"da": "Hent som PDF", "en": "Download as PDF"},
    "par_download_csv": {"da": "Hent som CSV", "en": "Download as CSV"},
    "par_status": {"da": "Status", "en": "Status"},
    "par_st_active": {"da": "aktiv", "en": "active"},
    "par_st_lapsed": {"da": "bortfaldet", "en": "lapsed"},
    "par_st_ended": {"da": "ophørt", "en": "ended"},
    "par_last": {"da": "Seneste kontakt", "en": "Last contact"},
    "par_days_overdue": {"da": "Dage over", "en": "Days overdue"},
    "par_coverage_items": {"da": "Dækning (område / adresser / radius)", "en": "Coverage (area / addresses / radius)"},
    "par_col_name": {"da": "Samarbejdspartner", "en": "Partner"},
    "par_col_reports": {"da": "Henvendelser", "en": "Reports"},
    "par_col_in_target_group": {"da": "I målgruppen", "en": "In target group"},
    "par_col_assessed": {"da": "Vurderet", "en": "Assessed"},
    "par_col_target_share": {"da": "Andel i målgruppen", "en": "Share in target group"},
    "par_col_contact_date": {"da": "Kontaktdato", "en": "Contact date"},
    "par_col_channel": {"da": "Kanal", "en": "Channel"},
    "par_col_before": {"da": "Før", "en": "Before"},
    "par_col_after": {"da": "Efter", "en": "After"},
    "par_col_after_days": {"da": "Dage efter (observeret)", "en": "Days after (observed)"},
    "par_col_quarter": {"da": "Kvartal", "en": "Quarter"},
    "par_col_followed_up": {"da": "Fulgt op", "en": "Followed up"},
    "par_col_led_to_contact": {"da": "Førte til kontakt", "en": "Led to contact"},
}
