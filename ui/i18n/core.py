"""The app's core texts (navigation, sign-in, map, users, audit, retention) in Danish and
English; domain words follow method.md. Each concept's texts live beside it in this package."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"da": "Opspor", "en": "Opspor"},
    "lang_label": {"da": "Sprog / Language", "en": "Sprog / Language"},
    "demo_banner": {
        "da": "**Demo:** Stederne er virkelige (Samsø), men alle henvendelser og samarbejdspartnere "
              "er opdigtede (syntetiske) og nævner ingen personer.",
        "en": "**Demo:** The places are real (Samsø), but every report and partner is invented "
              "(synthetic) and names no one.",
    },
    "page_map": {"da": "Kort", "en": "Map"},
    "page_overview": {"da": "Overblik", "en": "Overview"},
    "page_sources": {"da": "Datakilder", "en": "Data sources"},
    "page_signin": {"da": "Log ind", "en": "Sign in"},
    "signed_in_as": {"da": "Logget ind som", "en": "Signed in as"},
    "demo_role": {"da": "Demo-rolle", "en": "Demo role"},
    # the demo and a real workspace (docs/privacy.md)
    "demo_left": {
        "da": "Arbejdsområdet er ikke længere demoen, så du skal logge ind. Demoens brugere og deres "
              "offentliggjorte adgangskoder er fjernet. En administrator giver administratoren en ny "
              "adgangskode på serveren med `opspor users passwd admin` og opretter brugere med "
              "`opspor users add`.",
        "en": "The workspace is no longer the demo, so you must sign in. The demo's users and their "
              "published passwords are removed. An administrator sets the administrator's new password "
              "on the server with `opspor users passwd admin` and adds users with `opspor users add`."},
    "sign_in_demo_password": {
        "da": "Den adgangskode er offentliggjort til demoen og virker kun dér; dette er et rigtigt "
              "arbejdsområde. Bed en administrator om at give dig en ny adgangskode "
              "(`opspor users passwd BRUGERNAVN`).",
        "en": "That password is published for the demo and works only there; this is a real workspace. "
              "Ask an administrator to set a new password for you (`opspor users passwd NAME`)."},
    "pw_err_published": {
        "da": "Den adgangskode er offentliggjort til demoen. Vælg en anden.",
        "en": "That password is published for the demo. Choose another."},
    "sign_out": {"da": "Log ud", "en": "Sign out"},
    "username": {"da": "Brugernavn", "en": "User name"},
    "password": {"da": "Adgangskode", "en": "Password"},
    "sign_in": {"da": "Log ind", "en": "Sign in"},
    "sign_in_failed": {"da": "Forkert brugernavn eller adgangskode.", "en": "Wrong user name or password."},
    "session_expired": {"da": "Din session er udløbet. Log ind igen.", "en": "Your session has expired. Please sign in again."},
    "no_workspace": {
        "da": "Databasen har endnu intet arbejdsområde. Byg Samsø-demoen, eller opret et "
              "arbejdsområde med `opspor init`.",
        "en": "The database holds no workspace yet. Build the Samsø demo, or create a "
              "workspace with `opspor init`.",
    },
    "build_demo": {"da": "Byg Samsø-demo", "en": "Build the Samsø demo"},
    "building_demo": {"da": "Bygger demo …", "en": "Building the demo …"},
    "map_heading": {"da": "Kort over henvendelser", "en": "Map of reports"},
    "map_caption": {
        "da": "Hver type henvendelse er et lag, der kan slås til og fra i lagvælgeren øverst til "
              "højre. Bogstavet i hver markør viser typen; tal i cirkler er grupper af henvendelser.",
        "en": "Each kind of report is a layer you can switch on and off in the layer control at the "
              "top right. The letter in each marker shows the kind; numbers in circles are groups of reports.",
    },
    "no_signal_access": {
        "da": "Din rolle ser ikke enkelte henvendelser på kortet; tal findes under Overblik.",
        "en": "Your role does not see single reports on the map; counts are under Overview.",
    },
    "legend": {"da": "Signaturforklaring", "en": "Legend"},
    "col_symbol": {"da": "Symbol", "en": "Symbol"},
    "col_kind": {"da": "Type henvendelse", "en": "Kind of report"},
    "col_count": {"da": "Antal", "en": "Count"},
    "boundary": {"da": "Kommunegrænse", "en": "Municipal boundary"},
    "tiles": {"da": "Baggrundskort (OpenStreetMap, kræver internet)",
              "en": "Background map (OpenStreetMap, needs internet)"},
    "layer_parishes": {"da": "Sogne", "en": "Parishes"},
    "overview_heading": {"da": "Overblik over arbejdsområdet", "en": "Workspace overview"},
    "m_entrances": {"da": "Adgangsadresser", "en": "Entrances"},
    "m_units": {"da": "Enhedsadresser", "en": "Units"},
    "m_dwellings": {"da": "Boliger", "en": "Dwellings"},
    "m_signals": {"da": "Henvendelser", "en": "Reports"},
    "m_nodes": {"da": "Knuder i gangnettet", "en": "Walking-network nodes"},
    "m_edges": {"da": "Strækninger i gangnettet", "en": "Walking-network edges"},
    "m_partners": {"da": "Samarbejdspartnere", "en": "Partners"},
    "areas_heading": {"da": "Områdelag", "en": "Area layers"},
    "col_layer": {"da": "Lag", "en": "Layer"},
    "col_areas": {"da": "Områder", "en": "Areas"},
    "grid_note": {
        "da": "Det Danske Kvadratnet (100 m, 250 m, 1 km) er altid til rådighed.",
        "en": "Det Danske Kvadratnet (100 m, 250 m, 1 km) is always available.",
    },
    "kinds_heading": {"da": "Henvendelser efter type", "en": "Reports by kind"},
    "sources_heading": {"da": "Datakilder og licenser", "en": "Data sources and licences"},
    "problems_heading": {"da": "Rækker i adresseregistret, der er sprunget over eller bemærket",
                         "en": "Register rows skipped or remarked on"},
    "no_problems": {"da": "Ingen.", "en": "None."},
    "col_file": {"da": "Fil", "en": "File"},
    "col_row": {"da": "Række", "en": "Row"},
    "col_field": {"da": "Felt", "en": "Field"},
    "col_value": {"da": "Værdi", "en": "Value"},
    "col_reason": {"da": "Årsag", "en": "Reason"},
    "col_message": {"da": "Besked", "en": "Message"},
    "col_kept": {"da": "Beholdt", "en": "Kept"},
    "workspace": {"da": "Arbejdsområde", "en": "Workspace"},
    "kommune": {"da": "Kommune", "en": "Municipality"},
}

LICENCES: list[dict[str, str]] = [
    {"data": "Adresser, veje og stier (Samsø)", "source": "OpenStreetMap",
     "licence": "© OpenStreetMap-bidragydere, ODbL 1.0"},
    {"data": "Kommune- og sognegrænser", "source": "DAGI 1:500.000, 2014, SDFI",
     "licence": "CC BY 4.0 — Indeholder data fra Styrelsen for Dataforsyning og Infrastruktur"},
    {"data": "Adresser og BBR (Odense-udtræk)", "source": "DAR/BBR via DAWA-testdata",
     "licence": "© SDFE, MIT-licenseret repository"},
    {"data": "Vejmidter (Odense-udtræk)", "source": "GeoDanmark", "licence": "GeoDanmark-vilkår"},
    {"data": "BBR-kodelister", "source": "DanmarksAdresser/BBRkodelister", "licence": "MIT"},
]


TEXTS.update({
    "page_my_routes": {"da": "Mine adresser", "en": "My addresses"},
    "page_users": {"da": "Brugere", "en": "Users"},
    "page_audit": {"da": "Revisionslog", "en": "Audit log"},
    "page_retention": {"da": "Sletning og opbevaring", "en": "Retention and deletion"},
    "sso_sign_in": {"da": "Log ind med kommunens konto", "en": "Sign in with the municipal account"},
    "sso_unknown": {
        "da": "Din konto ({email}) er ikke knyttet til en bruger i Opspor. Kontakt en administrator.",
        "en": "Your account ({email}) is not linked to an Opspor user. Contact an administrator.",
    },
    "my_routes_heading": {"da": "Mine tildelte adresser", "en": "My assigned addresses"},
    "my_routes_none": {"da": "Du har ingen tildelte adresser.", "en": "You have no assigned addresses."},
    "col_address": {"da": "Adresse", "en": "Address"},
    "col_team": {"da": "Team", "en": "Team"},
    "users_heading": {"da": "Brugere og roller", "en": "Users and roles"},
    "add_user": {"da": "Opret bruger", "en": "Add user"},
    "role": {"da": "Rolle", "en": "Role"},
    "email": {"da": "E-mail (til kommunalt log ind, valgfri)", "en": "E-mail (for municipal sign-in, optional)"},
    "user_added": {"da": "Brugeren er oprettet.", "en": "The user was added."},
    "change_role": {"da": "Skift rolle", "en": "Change role"},
    "disable_user": {"da": "Deaktivér bruger", "en": "Disable user"},
    "user": {"da": "Bruger", "en": "User"},
    "save": {"da": "Gem", "en": "Save"},
    "done": {"da": "Udført.", "en": "Done."},
    "audit_heading": {"da": "Revisionslog: hvem så hvad og hvorfor", "en": "Audit log: who saw what, and why"},
    "audit_filter_user": {"da": "Filtrér på bruger", "en": "Filter by user"},
    "audit_filter_action": {"da": "Filtrér på handling (begyndelse)", "en": "Filter by action (prefix)"},
    "audit_export_heading": {"da": "Indsigt: log for én adresse", "en": "Access request: log for one address"},
    "audit_export_entrance": {"da": "Adgangsadressens id (DAR)", "en": "Entrance id (DAR)"},
    "audit_export_button": {"da": "Hent log for adressen", "en": "Get the log for the address"},
    "subject_download": {"da": "Hent borgerens indsigt (alt om adressen, som tekst)",
                         "en": "Download the citizen's access report (everything on the address, as text)"},
    "download_csv": {"da": "Download CSV", "en": "Download CSV"},
    "retention_heading": {"da": "Opbevaring og sletning", "en": "Retention and deletion"},
    "retention_caption": {
        "da": "Data, der ikke længere er brug for, slettes for alvor (også fra databasefilen).",
        "en": "Data no longer needed is deleted for real (also from the database file).",
    },
    "retention_signals_days": {"da": "Henvendelser uden opfølgning (dage)", "en": "Reports with no follow-up (days)"},
    "retention_outcomes_days": {"da": "Besøgsresultater og ledelsens beslutninger om døre (dage)",
                                "en": "Visit outcomes and leads' door decisions (days)"},
    "retention_rejected_days": {"da": "Afviste importrækker (dage)", "en": "Rejected import rows (days)"},
    "retention_imports_days": {"da": "Importer: filnavne og kontrolsummer, registerfejl (dage)",
                               "en": "Imports: file names and checksums, register problems (days)"},
    "retention_plans_days": {"da": "Ruteplaner, fordelinger og fokusområder (dage)",
                             "en": "Route plans, assignments and focus areas (days)"},
    "retention_contacts_days": {"da": "Kontaktlog med partnere (dage)", "en": "Partner contact log (days)"},
    "retention_audit_days": {"da": "Revisionslog, fejlede log ind og deaktiverede brugere (dage, mindst 183)",
                             "en": "Audit log, failed sign-ins and disabled users (days, at least 183)"},
    "settings_sign_in": {"da": "Log ind", "en": "Sign-in"},
    "session_idle_minutes": {"da": "Log ud efter så mange minutter uden brug", "en": "Sign out after this many idle minutes"},
    "sign_in_lockout_failures": {"da": "Lås kontoen efter så mange forkerte forsøg i træk",
                                 "en": "Lock the account after this many failed sign-ins in a row"},
    "sign_in_refused": {"da": "For mange forkerte forsøg. Prøv igen om {wait} sekunder.",
                        "en": "Too many failed attempts. Try again in {wait} seconds."},
    "sign_in_locked": {"da": "For mange forkerte forsøg: kontoen er låst. Bed en administrator om at låse den op.",
                       "en": "Too many failed attempts: the account is locked. Ask an administrator to unlock it."},
    "session_idle": {"da": "Du er logget ud, fordi appen ikke har været brugt i {minutes} minutter. Log ind igen.",
                     "en": "You were signed out after {minutes} minutes without use. Please sign in again."},
    "change_password": {"da": "Skift adgangskode", "en": "Change password"},
    "current_password": {"da": "Nuværende adgangskode", "en": "Current password"},
    "new_password": {"da": "Ny adgangskode (mindst 12 tegn)", "en": "New password (at least 12 characters)"},
    "repeat_password": {"da": "Gentag den nye adgangskode", "en": "Repeat the new password"},
    "passwords_differ": {"da": "De to nye adgangskoder er ikke ens.", "en": "The two new passwords differ."},
    "password_changed": {"da": "Adgangskoden er skiftet.", "en": "The password was changed."},
    "pw_err_short": {"da": "Adgangskoden skal være mindst 12 tegn. En sætning på nogle få ord er let at huske.",
                     "en": "The password must be at least 12 characters. A sentence of a few words is easy to remember."},
    "pw_err_common": {"da": "Adgangskoden er på listen over almindelige adgangskoder. Vælg en anden.",
                      "en": "The password is on the list of common passwords. Choose another."},
    "pw_err_name": {"da": "Adgangskoden må ikke indeholde brugernavnet.",
                    "en": "The password may not contain the user name."},
    "pw_err_repeat": {"da": "Adgangskoden må ikke være ét tegn gentaget.",
                      "en": "The password may not be one character repeated."},
    "pw_err_current": {"da": "Den nuværende adgangskode er forkert.", "en": "The current password is not right."},
    "pw_err_same": {"da": "Den nye adgangskode skal være en anden end den nuværende.",
                    "en": "The new password must differ from the current one."},
    "sso_unverified": {"da": "Kommunens log ind sendte ingen bekræftet e-mailadresse; kontakt en administrator.",
                       "en": "The municipal sign-in sent no verified e-mail address; contact an administrator."},
    "settings_other": {"da": "Partnere", "en": "Partners"},
    "partner_active_months": {"da": "En partner er aktiv med kontakt inden for (måneder)",
                              "en": "A partner is active with a contact within (months)"},
    "purge_preview": {"da": "Vis hvad der ville blive slettet", "en": "Show what would be deleted"},
    "purge_now": {"da": "Slet nu", "en": "Delete now"},
    "col_table": {"da": "Tabel", "en": "Table"},
    "col_rows": {"da": "Rækker", "en": "Rows"},
    "err_health_word": {
        "da": "Navnet indeholder ord om helbred ({words}). Et navn står på gålister og ses af andre: "
              "vælg et neutralt navn (et sted, en vej, et nummer).",
        "en": "The name holds health words ({words}). A name is printed on walk lists and seen by "
              "others: choose a neutral one (a place, a street, a number)."},
    "err_cpr_in_identifier": {
        "da": "Værdien ligner et CPR-nummer. Opspor gemmer aldrig CPR-numre: fjern det, og brug en "
              "anden reference.",
        "en": "The value looks like a CPR number. Opspor never stores CPR numbers: remove it and use "
              "another reference."},
    "settings_refused": {"da": "Indstillingen blev ikke gemt: {detail}", "en": "The setting was not saved: {detail}"},
    "purge_pending": {
        "da": "Rækkerne er slettet, men databasen var i brug, så de gamle data ligger stadig i filen ({tables}). "
              "Næste sletning (natlig kørsel) gør arbejdet færdigt.",
        "en": "The rows are deleted, but the database was in use, so the old data is still in the file "
              "({tables}). The next purge (nightly run) finishes the job."},
})
