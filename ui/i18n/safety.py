"""Words of pair safety (issue 17): check-in and check-out on *Mine adresser*, the overdue
pairs on *Fremdrift*, the warning at doors next to an unsafe one, and a route for two."""

from __future__ import annotations

TEXTS_SAFETY: dict[str, dict[str, str]] = {
    # the setting (Indstillinger)
    "overdue_minutes": {"da": "Et par mangler at tjekke ud, når vagten sluttede for så mange minutter siden",
                        "en": "A pair is overdue when its shift ended this many minutes ago without a check-out"},
    "settings_safety": {"da": "Sikkerhed i marken", "en": "Safety in the field"},
    # the phone page
    "ps_heading": {"da": "Tjek ind og ud", "en": "Check in and out"},
    "ps_help": {"da": "Tjek ind, når I går i gang med ruten, og ud, når I er færdige og i sikkerhed. "
                      "Har I ikke tjekket ud {minutes} minutter efter vagtens slut, får teamlederen besked.",
                "en": "Check in when you start the route and out when you are done and safe. If you have not "
                      "checked out {minutes} minutes after the shift ends, the team lead is told."},
    "ps_check_in": {"da": "Tjek ind: vi går i gang", "en": "Check in: we are starting"},
    "ps_check_out": {"da": "Tjek ud: vi er færdige og i sikkerhed", "en": "Check out: we are done and safe"},
    "ps_checked_in": {"da": "✓ Tjekket ind kl. {time} af {who}", "en": "✓ Checked in at {time} by {who}"},
    "ps_checked_out": {"da": "✓ Tjekket ud kl. {time} af {who}", "en": "✓ Checked out at {time} by {who}"},
    "ps_not_in": {"da": "Ikke tjekket ind endnu.", "en": "Not checked in yet."},
    "ps_not_out": {"da": "Ikke tjekket ud endnu.", "en": "Not checked out yet."},
    "ps_done_in": {"da": "I er tjekket ind. God tur.", "en": "You are checked in. Take care."},
    "ps_done_out": {"da": "I er tjekket ud. Tak for i dag.", "en": "You are checked out. Thank you."},
    "ps_not_today": {"da": "Ruten er ikke i dag: I tjekker ind på rutens dag.",
                     "en": "The route is not today: you check in on the route's day."},
    "ps_near_unsafe": {"da": "⚠ Pas på: nabo til en dør, der er markeret utryg ({addresses}). Hold jer sammen.",
                       "en": "⚠ Caution: next to a door marked unsafe ({addresses}). Stay together."},
    # errors by code (detection.errors; ui.widgets.input_error_text)
    "err_already_checked_in": {"da": "Ruten er allerede tjekket ind af {who} kl. {time}.",
                               "en": "The route was already checked in by {who} at {time}."},
    "err_already_checked_out": {"da": "Ruten er allerede tjekket ud af {who} kl. {time}.",
                                "en": "The route was already checked out by {who} at {time}."},
    "err_in_after_out": {"da": "Ruten er allerede tjekket ud og kan ikke tjekkes ind igen.",
                         "en": "The route is checked out already and can not be checked in again."},
    "err_check_in_day": {"da": "I kan kun tjekke ind på rutens egen dag.",
                         "en": "You can check in only on the route's own day."},
    "err_check_out_early": {"da": "Ruten er ikke begyndt endnu. Tjek ud, når I er færdige.",
                            "en": "The route has not started yet. Check out when you are done."},
    "err_pair_needed": {"da": "En rute gives altid til to medarbejdere, aldrig til én alene. Vælg to.",
                        "en": "A route is always given to two workers, never to one alone. Choose two."},
    "err_setting_too_large": {"da": "Værdien er for stor. Et par skal savnes samme dag: højst 720 minutter.",
                              "en": "The value is too large. A pair must be missed the same day: at most 720 minutes."},
    # the team lead's dashboard (Fremdrift)
    "pg_overdue_heading": {"da": "Par der ikke har tjekket ud", "en": "Pairs not checked out"},
    "pg_overdue_warning": {"da": "⚠ {n} par har ikke tjekket ud {minutes} minutter efter vagtens slut. "
                                 "Kontakt dem nu.",
                           "en": "⚠ {n} pair(s) have not checked out {minutes} minutes after the shift ended. "
                                 "Contact them now."},
    "pg_overdue_none": {"da": "Ingen par mangler at tjekke ud.", "en": "No pair is overdue to check out."},
    "pg_overdue_route": {"da": "Rute", "en": "Route"},
    "pg_overdue_route_words": {"da": "{day}, hold {team}, {area}", "en": "{day}, team {team}, {area}"},
    "pg_overdue_end": {"da": "Vagten sluttede", "en": "Shift ended"},
    "pg_overdue_minutes": {"da": "Minutter over", "en": "Minutes over"},
    "pg_overdue_checked_in": {"da": "Tjekket ind", "en": "Checked in"},
    "pg_overdue_not_in": {"da": "nej", "en": "no"},
    "pg_unsafe_caption": {"da": "Døre markeret utrygge planlægges ikke, før du beslutter det. Gangelisten advarer "
                                "ved dørene ved siden af.",
                          "en": "Doors marked unsafe are not planned until you decide so. The walk list warns at "
                                "the doors next to them."},
    # the route page's assign form
    "rt_assign_pair_hint": {"da": "Vælg to medarbejdere: en rute gives aldrig til én alene.",
                            "en": "Choose two workers: a route is never given to one alone."},
}
