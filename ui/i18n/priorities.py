"""UI texts (Danish, English) of the priorities and focus-area pages."""

TEXTS_PRIORITIES: dict[str, dict[str, str]] = {
    "page_priorities": {"da": "Prioritering", "en": "Priorities"},
    "page_focus_areas": {"da": "Fokusområder", "en": "Focus areas"},
    # priorities page
    "prio_heading": {"da": "Geografisk afdækning: hvor peger henvendelserne hen?",
                     "en": "Geographic mapping: where do the reports point?"},
    "prio_caption": {
        "da": "Områderne er rangeret efter en udjævnet rate pr. 1.000 boliger: nye, troværdige "
              "henvendelser fra flere uafhængige kilder vejer mest, og små områder trækkes mod "
              "gennemsnittet (empirisk Bayes), så én henvendelse i tre boliger ikke topper listen. "
              "Kolonnen »Hvorfor« forklarer hver placering.",
        "en": "Areas are ranked by a smoothed rate per 1,000 dwellings: recent, credible reports "
              "from several independent sources weigh most, and small areas are pulled towards the "
              "average (empirical Bayes), so one report in three dwellings does not top the list. "
              "The »Why« column explains each place.",
    },
    "prio_layer": {"da": "Områdeinddeling", "en": "Areas"},
    "prio_model": {"da": "Model: vægte (flyt en skyder, og rangeringen opdateres)",
                   "en": "Model: weights (move a slider and the ranking updates)"},
    "prio_weight_of": {"da": "Vægt: {kind}", "en": "Weight: {kind}"},
    "prio_cred": {"da": "Betydning af troværdighed (0 = ingen)", "en": "Weight of credibility (0 = none)"},
    "prio_cred_help": {"da": "Faktor = 1 + værdi × (troværdighed − 2); 0,5 giver 0,5 / 1 / 1,5 for troværdighed 1 / 2 / 3.",
                       "en": "Factor = 1 + value × (credibility − 2); 0.5 gives 0.5 / 1 / 1.5 for credibility 1 / 2 / 3."},
    "prio_half_life": {"da": "Halveringstid (dage): efter så mange dage vejer en henvendelse det halve",
                       "en": "Half-life (days): after this many days a report weighs half"},
    "prio_bonus": {"da": "Ekstra vægt pr. yderligere uafhængig kilde på samme adresse",
                   "en": "Extra weight per additional independent source at one address"},
    "prio_save_model": {"da": "Gem modellen", "en": "Save the model"},
    "prio_reset_model": {"da": "Standardværdier", "en": "Defaults"},
    "prio_zero_model": {"da": "Alle vægte er 0: så vejer ingen henvendelse noget, og alle områder får rate 0. "
                               "Sæt mindst én vægt over 0, eller tryk »Standardværdier«, før du gemmer.",
                         "en": "Every weight is 0: no report then weighs anything and every area gets rate 0. "
                               "Set at least one weight above 0, or press »Defaults«, before saving."},
    "prio_model_saved": {"da": "Modellen er gemt og bruges nu i rangeringen for alle.",
                         "en": "The model is saved and now used in everyone's ranking."},
    "prio_masked": {
        "da": "Du ser samlede tal, beskyttet så ingen enkelt henvendelse kan udledes: tallene er opgjort "
              "pr. {date} (sidste dag i seneste hele måned) med planlæggerens gemte model, alle antal og "
              "scorer er afrundet til et multiplum af 5 (»<5« betyder 0–4), og områder med under 20 "
              "boliger vises ikke.",
        "en": "You see totals, protected so that no single report can be derived: figures are as of "
              "{date} (the last day of the last complete month) under the planner's saved model, every "
              "count and score is rounded to a multiple of 5 (»<5« means 0–4), and areas with fewer than "
              "20 dwellings are not shown.",
    },
    "prio_saved_model_only": {
        "da": "Rangeringen bruger den model, planlæggeren har gemt.",
        "en": "The ranking uses the model the planner saved.",
    },
    "prio_table": {"da": "Rangerede områder", "en": "Ranked areas"},
    "prio_top_n": {"da": "Vis de første", "en": "Show the first"},
    "pcol_rank": {"da": "Nr.", "en": "Rank"},
    "pcol_area": {"da": "Område", "en": "Area"},
    "pcol_why": {"da": "Hvorfor", "en": "Why"},
    "pcol_signals": {"da": "Henvendelser", "en": "Reports"},
    "pcol_dwellings": {"da": "Boliger", "en": "Dwellings"},
    "pcol_rate": {"da": "Rate pr. 1.000 boliger", "en": "Rate per 1,000 dwellings"},
    "pcol_interval": {"da": "95 %-interval", "en": "95% interval"},
    "pcol_hotspot": {"da": "Hot spot", "en": "Hot spot"},
    "pexp_area_id": {"da": "Område-id", "en": "Area id"},
    "pexp_low": {"da": "Rate, nedre grænse (95 %)", "en": "Rate, lower bound (95%)"},
    "pexp_high": {"da": "Rate, øvre grænse (95 %)", "en": "Rate, upper bound (95%)"},
    "pexp_p": {"da": "Hot spot, p-værdi", "en": "Hot spot, p-value"},
    "yes_hotspot": {"da": "Ja (signifikant)", "en": "Yes (significant)"},
    "no_hotspot": {"da": "Nej", "en": "No"},
    "prio_map": {"da": "Kort over rangeringen", "en": "Map of the ranking"},
    "prio_map_caption": {
        "da": "Farven viser raten i fem klasser (mørkere = højere); tallet på kortet er områdets "
              "nummer i rangeringen (de 15 første), og hot spots har en tyk sort kant og et »H«. "
              "Hold musen over et område for at se tallene.",
        "en": "The colour shows the rate in five classes (darker = higher); the number on the map is "
              "the area's rank (the first 15), and hot spots have a thick black outline and an »H«. "
              "Hover over an area to see its figures.",
    },
    "prio_legend": {"da": "Signaturforklaring", "en": "Legend"},
    "plegend_class": {"da": "Klasse", "en": "Class"},
    "plegend_range": {"da": "Rate pr. 1.000 boliger", "en": "Rate per 1,000 dwellings"},
    "plegend_colour": {"da": "Farve", "en": "Colour"},
    "pshade_0": {"da": "lysest gul", "en": "lightest yellow"},
    "pshade_1": {"da": "lysegrøn", "en": "light green"},
    "pshade_2": {"da": "turkis", "en": "turquoise"},
    "pshade_3": {"da": "mellemblå", "en": "mid blue"},
    "pshade_4": {"da": "mørkeblå", "en": "dark blue"},
    "plegend_hotspot": {"da": "Tyk sort kant og »H« = signifikant hot spot (Gi*, FDR 5 %)",
                       "en": "Thick black outline and »H« = significant hot spot (Gi*, FDR 5%)"},
    "pclass_n": {"da": "klasse {i} af 5", "en": "class {i} of 5"},
    "prio_download": {"da": "Hent rangeringen (CSV)", "en": "Download the ranking (CSV)"},
    "prio_mean": {"da": "Gennemsnit for hele kommunen: {rate} pr. 1.000 boliger.",
                  "en": "Average for the whole municipality: {rate} per 1,000 dwellings."},
    "prio_no_areas": {"da": "Ingen områder at vise.", "en": "No areas to show."},
    # focus areas page
    "focus_heading": {"da": "Fokusområder", "en": "Focus areas"},
    "focus_caption": {
        "da": "Klynger af adresser med henvendelser (DBSCAN) er forslag til fokusområder. Tag en "
              "klynge, vælg et område fra en inddeling, eller tegn/upload dit eget, giv det et navn "
              "og gem det. Gemte fokusområder er dem, ruteplanlægningen starter fra.",
        "en": "Clusters of addresses with reports (DBSCAN) are suggested focus areas. Accept a cluster, "
              "pick an area from a layer, or draw/upload your own, name it and save it. Saved focus "
              "areas are where route planning starts.",
    },
    "focus_eps": {"da": "Afstand mellem adresser i en klynge (meter)", "en": "Distance between addresses in a cluster (metres)"},
    "focus_min": {"da": "Mindste antal adresser med henvendelser i en klynge",
                  "en": "Least number of addresses with reports in a cluster"},
    "focus_candidates": {"da": "Forslag (klynger)", "en": "Suggestions (clusters)"},
    "focus_map_caption": {
        "da": "Forslag er tegnet med stiplet kant og deres nummer; gemte fokusområder med fuld kant og navn.",
        "en": "Suggestions are drawn with a dashed outline and their number; saved focus areas with a solid outline and their name.",
    },
    "focus_no_candidates": {"da": "Ingen klynger med disse indstillinger.", "en": "No clusters with these settings."},
    "pcol_cluster": {"da": "Klynge", "en": "Cluster"},
    "pcol_entrances": {"da": "Adgangsadresser", "en": "Entrances"},
    "pcol_concerned": {"da": "Adresser med henvendelser", "en": "Addresses with reports"},
    "pcol_kinds": {"da": "Typer", "en": "Kinds"},
    "pcol_score": {"da": "Score", "en": "Score"},
    "pcol_name": {"da": "Navn", "en": "Name"},
    "pcol_origin": {"da": "Oprindelse", "en": "Origin"},
    "pcol_created": {"da": "Oprettet", "en": "Created"},
    "porigin_cluster": {"da": "klynge", "en": "cluster"},
    "porigin_area": {"da": "område", "en": "area"},
    "porigin_drawn": {"da": "tegnet/uploadet", "en": "drawn/uploaded"},
    "focus_save_heading": {"da": "Gem et fokusområde", "en": "Save a focus area"},
    "focus_source": {"da": "Hvor kommer området fra?", "en": "Where does the area come from?"},
    "psrc_cluster": {"da": "En klynge", "en": "A cluster"},
    "psrc_area": {"da": "Et område fra en inddeling", "en": "An area from a layer"},
    "psrc_draw": {"da": "Tegn på kortet", "en": "Draw on the map"},
    "psrc_upload": {"da": "Upload en GeoJSON-fil", "en": "Upload a GeoJSON file"},
    "focus_pick_cluster": {"da": "Klynge nr.", "en": "Cluster no."},
    "focus_pick_layer": {"da": "Inddeling", "en": "Layer"},
    "focus_pick_area": {"da": "Område (i rangeringens orden)", "en": "Area (in ranking order)"},
    "focus_draw_caption": {
        "da": "Tegn en polygon med værktøjet til venstre på kortet (kræver internet til tegneværktøjet). "
            "Uden mus: brug upload af en GeoJSON-fil i stedet.",
        "en": "Draw a polygon with the tool on the left of the map (the drawing tool needs internet). "
            "Without a mouse: upload a GeoJSON file instead.",
    },
    "focus_drawn_none": {"da": "Der er endnu ikke tegnet en polygon.", "en": "No polygon drawn yet."},
    "focus_drawn_ok": {"da": "En polygon er tegnet.", "en": "A polygon is drawn."},
    "focus_upload": {"da": "GeoJSON-fil med en polygon (EPSG:4326 eller 25832)",
                     "en": "GeoJSON file with a polygon (EPSG:4326 or 25832)"},
    "focus_name": {"da": "Navn på fokusområdet", "en": "Name of the focus area"},
    "focus_save": {"da": "Gem fokusområde", "en": "Save focus area"},
    "focus_saved": {"da": "Fokusområdet »{name}« er gemt.", "en": "Focus area »{name}« is saved."},
    "focus_saved_heading": {"da": "Gemte fokusområder", "en": "Saved focus areas"},
    "focus_none_saved": {"da": "Der er ingen gemte fokusområder endnu.", "en": "No focus areas are saved yet."},
    "focus_delete_pick": {"da": "Slet fokusområde", "en": "Delete focus area"},
    "focus_delete": {"da": "Slet", "en": "Delete"},
    "focus_deleted": {"da": "Fokusområdet er slettet.", "en": "The focus area is deleted."},
    "focus_need_polygon": {"da": "Vælg eller tegn først et område.", "en": "Choose or draw an area first."},
    "focus_layer_candidates": {"da": "Forslag (klynger)", "en": "Suggestions (clusters)"},
    "focus_layer_saved": {"da": "Gemte fokusområder", "en": "Saved focus areas"},
}
