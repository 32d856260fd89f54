"""UI texts in Danish (default) and English. Domain words follow method.md."""

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


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (Danish when the key lacks that language)."""
    entry = TEXTS[key]
    return entry.get(lang) or entry["da"]

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
    "download_csv": {"da": "Download CSV", "en": "Download CSV"},
    "retention_heading": {"da": "Opbevaring og sletning", "en": "Retention and deletion"},
    "retention_caption": {
        "da": "Data, der ikke længere er brug for, slettes for alvor (også fra databasefilen).",
        "en": "Data no longer needed is deleted for real (also from the database file).",
    },
    "retention_signals_days": {"da": "Henvendelser uden opfølgning (dage)", "en": "Reports with no follow-up (days)"},
    "retention_outcomes_days": {"da": "Besøgsresultater (dage)", "en": "Visit outcomes (days)"},
    "retention_rejected_days": {"da": "Afviste importrækker (dage)", "en": "Rejected import rows (days)"},
    "retention_audit_days": {"da": "Revisionslog (dage)", "en": "Audit log (days)"},
    "settings_other": {"da": "Partnere", "en": "Partners"},
    "partner_active_months": {"da": "En partner er aktiv med kontakt inden for (måneder)",
                              "en": "A partner is active with a contact within (months)"},
    "purge_preview": {"da": "Vis hvad der ville blive slettet", "en": "Show what would be deleted"},
    "purge_now": {"da": "Slet nu", "en": "Delete now"},
    "col_table": {"da": "Tabel", "en": "Table"},
    "col_rows": {"da": "Rækker", "en": "Rows"},
})

# Texts of later features live beside their pages' owners, merged here.
from ui.i18n_imports import TEXTS_IMPORTS  # noqa: E402
from ui.i18n_priorities import TEXTS_PRIORITIES  # noqa: E402

TEXTS.update(TEXTS_IMPORTS)
from ui.i18n_partners import TEXTS_PARTNERS  # noqa: E402
from ui.i18n_routes import TEXTS_ROUTES  # noqa: E402

TEXTS.update(TEXTS_PRIORITIES)
TEXTS.update(TEXTS_ROUTES)
TEXTS.update(TEXTS_PARTNERS)
