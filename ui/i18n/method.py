"""UI texts (Danish, English) of the method beyond the door (issue 16): framing, courses,
the funnel, method fidelity and the evaluation, and their settings."""

TEXTS_METHOD: dict[str, dict[str, str]] = {
    # --- settings: the fidelity thresholds (percent)
    "settings_fidelity": {"da": "Metodefasthed: tærskler", "en": "Method fidelity: thresholds"},
    "fidelity_partners_pct": {"da": "Aktive samarbejdspartnere kontaktet inden for 3 måneder (%)",
                              "en": "Active partners contacted within 3 months (%)"},
    "fidelity_assessed_pct": {"da": "Henvendelser vurderet inden for 14 dage (%)",
                              "en": "Reports assessed within 14 days (%)"},
    "fidelity_doors_pct": {"da": "Døre i fokusområderne, der er banket på (%)",
                           "en": "Focus-area doors knocked (%)"},
    "fidelity_contacts_pct": {"da": "Kontakter i forhold til målet (%)", "en": "Contacts against the goal (%)"},
    "fidelity_meetings_pct": {"da": "Forløb med mindst 3 møder (%)", "en": "Courses with at least 3 meetings (%)"},
    "fidelity_handover_pct": {"da": "Overdragne blandt afsluttede forløb (%)",
                              "en": "Handed over among ended courses (%)"},
    "err_setting_above_max": {"da": "Værdien er for stor: en andel er højst 100 %.",
                              "en": "The value is too large: a share is at most 100%."},
}
