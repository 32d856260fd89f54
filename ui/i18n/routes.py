"""UI texts (Danish, English) of the route-planning pages."""

TEXTS_ROUTES: dict[str, dict[str, str]] = {
    "page_routes": {"da": "Ruteplanlægning", "en": "Route planning"},
    "rt_heading": {"da": "Ruter til direkte opsporing", "en": "Door-to-door routes"},
    # a plan in words, never its id (issue 15)
    "rt_plan_option": {"da": "Plan af {date} kl. {time} · {area} · {days}",
                       "en": "Plan of {date} at {time} · {area} · {days}"},
    "rt_saved": {"da": "Planen for {area} er gemt: {routes}, {stops}.",
                 "en": "The plan for {area} is saved: {routes}, {stops}."},
    "rt_n_routes_1": {"da": "{n} rute", "en": "{n} route"},
    "rt_n_routes": {"da": "{n} ruter", "en": "{n} routes"},
    "rt_n_stops_1": {"da": "{n} opgang", "en": "{n} entrance"},
    "rt_n_stops": {"da": "{n} opgange", "en": "{n} entrances"},
    "err_member_busy": {
        "da": "{member} er allerede sat på en anden rute den {day}: hold {team}{where}. En medarbejder går "
              "kun én rute om dagen – vælg en anden, eller flyt først {member} fra den rute.",
        "en": "{member} is already on another route on {day}: team {team}{where}. A worker walks one "
              "route a day – pick someone else, or first move {member} off that route.",
    },
    "err_member_busy_where": {"da": " i {area}", "en": " in {area}"},
    "rt_caption": {
        "da": "Vælg et fokusområde og hvilke døre, sæt hold, dage og vagt op, og planlæg ruter på det "
              "rigtige gangnet. Hvert hold er to medarbejdere; ét hold går én rute om dagen.",
        "en": "Pick a focus area and which doors, set up teams, days and shift, and plan routes on the "
              "real walking network. Each team is a pair of workers; one pair walks one route a day.",
    },
    "rt_setup": {"da": "Opsætning", "en": "Set-up"},
    "rt_quality": {"da": "Fordeling: det mest belastede hold har {balance} gange så meget arbejde som det "
                         "mindst belastede (1 = lige fordelt). Overlap mellem holdenes områder samme dag: {overlap} %.",
                   "en": "Balance: the busiest pair has {balance} times the work of the least busy (1 = even). "
                         "Overlap between the pairs' turfs on the same day: {overlap} %."},
    # turfs (issue 17): one area per pair, the same every day
    "rt_turfs": {"da": "Giv hvert hold sit eget distrikt (det samme område alle dage)",
                 "en": "Give each pair its own turf (the same area every day)"},
    "rt_turfs_help": {
        "da": "Området deles i ét sammenhængende distrikt pr. hold med omtrent lige meget arbejde, så det "
              "samme hold møder de samme viceværter fra dag til dag.",
        "en": "The area is cut into one compact turf per pair with about equal work, so the same pair "
              "meets the same caretakers from day to day.",
    },
    "rt_turf_layer": {"da": "Distrikt for hold {team}", "en": "Turf of pair {team}"},
    "rt_turfs_heading": {"da": "Distrikter", "en": "Turfs"},
    "rt_turfs_caption": {
        "da": "Hvert hold går kun i sit eget distrikt. Kompakthed er Polsby–Popper (1 = en cirkel, et "
              "kvadrat er 0,79); arbejde er besøgstid plus gang mellem opgangene.",
        "en": "Each pair walks only in its own turf. Compactness is Polsby–Popper (1 = a circle, a square "
              "is 0.79); work is time at the doors plus walking between them.",
    },
    "rt_col_turf_team": {"da": "Hold", "en": "Pair"},
    "rt_col_turf_doors": {"da": "Opgange", "en": "Entrances"},
    "rt_col_turf_work": {"da": "Arbejde (timer)", "en": "Work (hours)"},
    "rt_col_turf_compact": {"da": "Kompakthed", "en": "Compactness"},
    "rt_area_source": {"da": "Hvor skal holdene gå?", "en": "Where do the teams go?"},
    "rt_area_source_saved": {"da": "Gemt område", "en": "Saved area"},
    "rt_area_source_draw": {"da": "Tegn på kortet", "en": "Draw on the map"},
    "rt_draw_help": {"da": "Tegn området med polygon- eller rektangelværktøjet i kortets venstre side. "
                            "Gemte fokusområder er vist på kortet.",
                     "en": "Draw the area with the polygon or rectangle tool on the left of the map. "
                           "Saved focus areas are shown on the map."},
    "rt_drawn_ok": {"da": "Et område på {km2} km² er tegnet.", "en": "An area of {km2} km² is drawn."},
    "rt_drawn_none": {"da": "Tegn først et område på kortet.", "en": "Draw an area on the map first."},
    "rt_drawn_name": {"da": "Navn på det tegnede område", "en": "Name of the drawn area"},
    "rt_drawn_default": {"da": "Tegnet område", "en": "Drawn area"},
    "rt_area": {"da": "Område (fokusområde eller sogn)", "en": "Area (focus area or parish)"},
    "rt_no_areas": {"da": "Der er ingen områder at planlægge i endnu.", "en": "There are no areas to plan in yet."},
    "rt_doors": {"da": "Hvilke døre", "en": "Which doors"},
    "rt_doors_reported": {"da": "Adresser med henvendelser", "en": "Reported entrances"},
    "rt_doors_all": {"da": "Alle opgange i området", "en": "Every entrance in the area"},
    "rt_doors_social_housing": {"da": "Henvendelser + alle almene boliger (BBR)",
                                "en": "Reported + all social housing (BBR)"},
    "rt_teams": {"da": "Antal hold (par)", "en": "Number of teams (pairs)"},
    "rt_days": {"da": "Antal arbejdsdage", "en": "Working days"},
    "rt_from": {"da": "Første dag (hverdage, ikke helligdage eller lukkedage)",
                "en": "First day (weekdays, no public holidays or closed days)"},
    "rt_shift_start": {"da": "Vagten starter", "en": "Shift starts"},
    "rt_shift_end": {"da": "Vagten slutter", "en": "Shift ends"},
    "rt_start": {"da": "Start- og slutpunkt (adresse, LÆNGDE,BREDDE eller adresse-id; tomt = midt i området)",
                 "en": "Start and end point (address, LON,LAT or entrance id; empty = centre of the area)"},
    "rt_speed": {"da": "Ganghastighed (km/t)", "en": "Walking speed (km/h)"},
    "rt_per_entrance": {"da": "Sekunder pr. opgang", "en": "Seconds per entrance"},
    "rt_per_unit": {"da": "Sekunder pr. bolig, der bankes på", "en": "Seconds per dwelling knocked on"},
    "rt_attempts": {"da": "Forsøg før brev", "en": "Attempts before a letter"},
    "rt_seconds": {"da": "Tidsgrænse for beregningen (sekunder)", "en": "Time limit for the solver (seconds)"},
    "rt_plan_button": {"da": "Planlæg ruter", "en": "Plan routes"},
    "rt_solving": {"da": "Beregner ruter …", "en": "Solving …"},
    "rt_bad_shift": {"da": "Vagten skal slutte efter den starter.", "en": "The shift must end after it starts."},
    "rt_plans": {"da": "Gemte planer", "en": "Saved plans"},
    "rt_no_plans": {"da": "Ingen planer endnu.", "en": "No plans yet."},
    "rt_plan_label": {"da": "Plan", "en": "Plan"},
    "rt_totals": {"da": "I alt", "en": "Totals"},
    "rt_m_routes": {"da": "Ruter", "en": "Routes"},
    "rt_m_stops": {"da": "Opgange", "en": "Entrances"},
    "rt_m_walk": {"da": "Gang (km)", "en": "Walking (km)"},
    "rt_m_hours": {"da": "Arbejdstimer", "en": "Working hours"},
    "rt_m_unplanned": {"da": "Ikke planlagt", "en": "Not planned"},
    "rt_method_network": {"da": "Afstande ad gangnettet (OSM).", "en": "Distances along the walking network (OSM)."},
    "rt_method_straight_line": {
        "da": "Intet gangnet: afstande er fugleflugt × 1,3 (overslag).",
        "en": "No walking network: distances are straight lines × 1.3 (an estimate).",
    },
    "rt_map": {"da": "Kort over ruterne", "en": "Map of the routes"},
    "rt_map_caption": {
        "da": "Hver markør viser rute og nummer (fx 2·5 = rute 2, stop 5); linjen er den gåede vej. "
              "Ruterne er også forskellige i streg (hel, stiplet, prikket).",
        "en": "Each marker shows route and number (e.g. 2·5 = route 2, stop 5); the line is the walked "
              "path. Routes also differ in line style (solid, dashed, dotted).",
    },
    "rt_start_marker": {"da": "Start og slut", "en": "Start and end"},
    "rt_route_label": {"da": "Rute {n}: hold {team}, {day}", "en": "Route {n}: team {team}, {day}"},
    "rt_route_summary": {"da": "{stops} opgange · {km} km · {start}–{end}",
                         "en": "{stops} entrances · {km} km · {start}–{end}"},
    "rt_col_seq": {"da": "Nr.", "en": "No."},
    "rt_col_arrive": {"da": "Ankomst", "en": "Arrival"},
    "rt_col_units": {"da": "Boliger", "en": "Dwellings"},
    "rt_col_task": {"da": "Opgave", "en": "Task"},
    "rt_col_walk": {"da": "Gang (m)", "en": "Walk (m)"},
    "rt_col_reason": {"da": "Årsag", "en": "Reason"},
    "rt_whole_entrance": {"da": "hele opgangen", "en": "whole entrance"},
    "rt_task_visit": {"da": "Besøg", "en": "Visit"},
    "rt_task_revisit": {"da": "Genbesøg", "en": "Revisit"},
    "rt_task_letter": {"da": "Aflever brev", "en": "Leave a letter"},
    "rt_unplanned": {"da": "Ikke planlagt", "en": "Not planned"},
    "rt_reason_no_time": {"da": "ikke tid nok i vagterne", "en": "not enough time in the shifts"},
    "rt_reason_letter_due": {"da": "brev skal afleveres – ikke tid", "en": "letter due – no time"},
    "rt_reason_unreachable": {"da": "kan ikke nås til fods (langt fra stinettet)",
                              "en": "unreachable on foot (far from the paths)"},
    "rt_reason_no_other_time": {"da": "intet andet tidspunkt på dagen i vagten",
                                "en": "no other time of day in the shift"},
    "rt_reason_unsafe": {"da": "utryg – kræver teamleders beslutning", "en": "unsafe – needs a lead's decision"},
    "rt_reason_done": {"da": "afsluttet", "en": "done"},
    "rt_reason_no_parking": {"da": "mere end gå-afstanden fra en vej, hvor bilen kan holde",
                             "en": "farther than the walking distance from a road where the car can stop"},
    "rt_reason_ask_caretaker": {"da": "afventer vicevært", "en": "waiting for the caretaker"},
    "rt_downloads": {"da": "Hent til feltarbejdet", "en": "Take it out"},
    "rt_dl_pdf": {"da": "Gåliste (PDF) rute {n}", "en": "Walk list (PDF) route {n}"},
    "rt_dl_gpx": {"da": "GPX rute {n}", "en": "GPX route {n}"},
    "rt_dl_gpkg": {"da": "GeoPackage til QField (alle ruter)", "en": "GeoPackage for QField (all routes)"},
    "rt_assign": {"da": "Tildel ruter", "en": "Assign routes"},
    "rt_assign_who": {"da": "Medarbejdere på rute {n}", "en": "Workers on route {n}"},
    "rt_assign_button": {"da": "Tildel", "en": "Assign"},
    "rt_assigned": {"da": "Rute {n} er tildelt {who}.", "en": "Route {n} is assigned to {who}."},
    "rt_outcomes_import": {"da": "Indlæs udfald (CSV eller GeoPackage fra QField)",
                           "en": "Import outcomes (CSV or the GeoPackage from QField)"},
    "rt_import_button": {"da": "Indlæs", "en": "Import"},
    "rt_import_summary": {"da": "{rows} rækker: {imported} indlæst, {rejected} afvist, {duplicates} dubletter, "
                                "{flagged} markeret som usandsynlige.",
                          "en": "{rows} rows: {imported} imported, {rejected} rejected, {duplicates} duplicates, "
                                "{flagged} flagged as implausible."},
    "rt_unsafe_heading": {"da": "Utrygge adresser", "en": "Unsafe addresses"},
    "rt_unsafe_clear": {"da": "Må planlægges igen (min beslutning)", "en": "May be planned again (my decision)"},
    "rt_unsafe_pick": {"da": "Adresse", "en": "Address"},
    "rt_unsafe_cleared": {"da": "Adressen kan komme med i næste plan.", "en": "The address can be in the next plan."},
    # field worker's page
    "mr_heading": {"da": "Mine ruter", "en": "My routes"},
    "mr_ask_lead": {"da": "Du har ingen ruter endnu. Spørg din teamleder ({leads}) om at få tildelt en rute.",
                    "en": "You have no routes yet. Ask your team lead ({leads}) to assign you a route."},
    "mr_ask_lead_nobody": {"da": "Du har ingen ruter endnu. Spørg din teamleder om at få tildelt en rute.",
                           "en": "You have no routes yet. Ask your team lead to assign you a route."},
    "mr_map_today": {"da": "Dagens rute", "en": "Today's route"},
    "mr_map_next": {"da": "Din næste rute, {day}", "en": "Your next route, {day}"},
    "mr_map_last": {"da": "Din seneste rute, {day}", "en": "Your latest route, {day}"},
    "mr_map_caption": {"da": "Stoppene er nummereret i den rækkefølge, I går dem, og linjen er vejen; "
                             "✓ har fået et udfald på rutens dag.",
                       "en": "The stops are numbered in the order you walk them and the line is the way; "
                             "✓ has an outcome on the route's day."},
    "mr_map_next_caption": {"da": "Næste stop er det store mærke med ordet »Næste«.",
                            "en": "The next stop is the large marker with the word “Next”."},
    "mr_map_all_done": {"da": "Alle opgange på ruten har fået et udfald i dag.",
                        "en": "Every entrance on the route has an outcome today."},
    "mr_map_path": {"da": "Gåruten", "en": "The walking route"},
    "mr_next": {"da": "Næste", "en": "Next"},
    "mr_progress": {"da": "{done} af {total} opgange har fået et udfald på rutens dag.",
                    "en": "{done} of {total} entrances have an outcome on the route's day."},
    "mr_stop": {"da": "{seq}. kl. {time} – {address}", "en": "{seq}. at {time} – {address}"},
    "mr_outcome": {"da": "Udfald for {unit}", "en": "Outcome for {unit}"},
    "mr_choose": {"da": "– vælg –", "en": "– choose –"},
    "mr_note": {"da": "Note (valgfri, ingen helbredsoplysninger)", "en": "Note (optional, no health details)"},
    "mr_save": {"da": "Gem udfald", "en": "Save outcome"},
    "mr_saved": {"da": "Gemt.", "en": "Saved."},
    "mr_not_home_all": {"da": "Ingen hjemme i hele opgangen", "en": "Nobody home in the whole entrance"},
    "mr_recorded": {"da": "Registreret: {what}", "en": "Recorded: {what}"},
    "mr_assigned_heading": {"da": "Tildelte adresser uden rute", "en": "Assigned addresses without a route"},
    "mr_today": {"da": "Registreret af dig i dag (kan fortrydes eller rettes resten af dagen)",
                 "en": "Recorded by you today (can be undone or corrected for the rest of the day)"},
    "mr_today_item": {"da": "kl. {time} · {unit} · {what}", "en": "at {time} · {unit} · {what}"},
    "mr_change_to": {"da": "Ret udfaldet til", "en": "Change the outcome to"},
    "mr_edit": {"da": "Gem rettelsen", "en": "Save the correction"},
    "mr_undo": {"da": "Fortryd", "en": "Undo"},
    "mr_undone": {"da": "Fortrudt: {what}", "en": "Undone: {what}"},
    "mr_edited": {"da": "Rettet: {old} → {what}", "en": "Corrected: {old} → {what}"},
    "mr_not_allowed": {"da": "Det kan du ikke: du kan kun fortryde eller rette dine egne udfald fra i dag.",
                       "en": "You cannot: you may only undo or correct your own outcomes of today."},
    # issue 17: the Danish calendar — the plan's days and the days off between them
    "rt_days_heading": {"da": "Planens dage", "en": "The plan's days"},
    "rt_days_planned": {"da": "Planlagte dage: {days}", "en": "Planned days: {days}"},
    "rt_days_off_caption": {"da": "Dage i perioden uden ruter, og hvorfor:",
                            "en": "Days in the period without routes, and why:"},
    "rt_days_off_none": {"da": "Ingen fridage i perioden.", "en": "No days off in the period."},
    "rt_day_off_holiday": {"da": "{day}: {name} (helligdag)", "en": "{day}: {name} (public holiday)"},
    "rt_day_off_closed": {"da": "{day}: lukket (kommunens lukkedag)",
                          "en": "{day}: closed (the municipality's closed day)"},
    "rt_day_off_weekend": {"da": "Weekend (planlægges ikke): {days}", "en": "Weekend (not planned): {days}"},
    "wd_0": {"da": "man.", "en": "Mon"},
    "wd_1": {"da": "tir.", "en": "Tue"},
    "wd_2": {"da": "ons.", "en": "Wed"},
    "wd_3": {"da": "tor.", "en": "Thu"},
    "wd_4": {"da": "fre.", "en": "Fri"},
    "wd_5": {"da": "lør.", "en": "Sat"},
    "wd_6": {"da": "søn.", "en": "Sun"},
    "cd_heading": {"da": "Kommunens lukkedage: {days}", "en": "The municipality's closed days: {days}"},
    "cd_none": {"da": "ingen", "en": "none"},
    "cd_label": {"da": "Lukkedage", "en": "Closed days"},
    "cd_help": {
        "da": "Dage hvor kommunen holder lukket ud over weekender og helligdage; der planlægges ingen ruter "
              "på dem. Skriv DD.MM for en dag der er lukket hvert år (fx 24.12, 31.12) og DD.MM.ÅÅÅÅ for én "
              "dag (fx 02.01.2027), adskilt af komma. Tomt felt: ingen lukkedage.",
        "en": "Days the municipality is closed besides weekends and public holidays; no routes are planned "
              "on them. Write DD.MM for a day closed every year (e.g. 24.12, 31.12) and DD.MM.YYYY for one "
              "day (e.g. 02.01.2027), separated by commas. Empty: no closed days.",
    },
    "cd_saved": {"da": "Lukkedagene er gemt: {days}.", "en": "The closed days are saved: {days}."},
    "err_closed_day": {
        "da": "»{value}« er ikke en dato. Skriv DD.MM for en dag der er lukket hvert år (fx 24.12) eller "
              "DD.MM.ÅÅÅÅ for én dag (fx 02.01.2027), adskilt af komma.",
        "en": "“{value}” is not a date. Write DD.MM for a day closed every year (e.g. 24.12) or DD.MM.YYYY "
              "for one day (e.g. 02.01.2027), separated by commas.",
    },
    "err_closed_days_too_many": {
        "da": "Der er for mange lukkedage til at gemme (højst 200 tegn). Fjern enkeltdage der er gået, eller "
              "skriv en dag der er lukket hvert år som DD.MM én gang.",
        "en": "Too many closed days to save (at most 200 characters). Remove single days that have passed, "
              "or write a day closed every year once as DD.MM.",
    },
    # drive then walk (issue 17)
    "rt_mode": {"da": "Transport", "en": "Travel"},
    "rt_mode_auto": {"da": "Automatisk", "en": "Automatic"},
    "rt_mode_walk": {"da": "Gå", "en": "Walk"},
    "rt_mode_drive_walk": {"da": "Bil + gå", "en": "Car + walk"},
    "rt_mode_help": {
        "da": "Gå: parret går fra startstedet. Bil + gå: parret kører mellem parkeringspladser og går til "
              "opgangene omkring hver. Automatisk: bil + gå, når opgangene ligger længere fra hinanden end "
              "gå-afstanden, ellers gå.",
        "en": "Walk: the pair walks from the start point. Car + walk: the pair drives between parking points "
              "and walks to the entrances around each. Automatic: car + walk when the entrances lie farther "
              "apart than the walking distance, else walk.",
    },
    # the settings (Indstillinger)
    "settings_routes": {"da": "Ruter", "en": "Routes"},
    "drive_walk_m": {"da": "Gå-afstand for bil + gå (m): opgange længere fra hinanden til fods køres der imellem",
                     "en": "Walking distance for car + walk (m): doors farther apart on foot are driven between"},
    "min_route_minutes": {"da": "Korteste rute (minutter): en kortere rute lægges sammen med en anden eller forklares",
                          "en": "Shortest route (minutes): a shorter route is merged into another or explained"},
    "rt_walk_limit": {"da": "Gå-afstand (m)", "en": "Walking distance (m)"},
    "rt_walk_limit_help": {
        "da": "Opgange, der ligger længere fra hinanden til fods, køres der imellem, og ingen gåtur er længere.",
        "en": "Entrances farther apart on foot are driven between, and no walk is longer.",
    },
    "rt_m_drive": {"da": "Kørsel (km)", "en": "Driving (km)"},
    "rt_method_drive_walk": {
        "da": "Kørsel ad vejnettet (OSM, hastighed efter vejtype), gang ad gangnettet.",
        "en": "Driving along the road network (OSM, speed by road class), walking along the walking network.",
    },
    "rt_mode_used_drive_walk": {
        "da": "Planen bruger bil + gå: parret kører mellem parkeringspladser (P på kortet) og går højst "
              "{limit} m ad gangen.",
        "en": "The plan uses car + walk: the pair drives between parking points (P on the map) and walks at "
              "most {limit} m at a time.",
    },
    "rt_mode_used_walk": {
        "da": "Planen er til fods: alle opgange ligger inden for {limit} m gang af hinanden.",
        "en": "The plan is on foot: every entrance is within {limit} m walk of the others.",
    },
    "rt_route_summary_drive": {"da": " · {km} km i bil, {n} parkeringer", "en": " · {km} km by car, {n} stops by car"},
    "rt_col_drive": {"da": "Bil", "en": "Car"},
    "rt_drive_to": {"da": "kør {m} m til P{n}", "en": "drive {m} m to P{n}"},
    "rt_car_leg": {"da": "Kørsel, {route}", "en": "Driving, {route}"},
    "rt_parking_tip": {"da": "P{n}: parkering, {route}", "en": "P{n}: parking, {route}"},
}
