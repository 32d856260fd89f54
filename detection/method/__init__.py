"""The method beyond the door (issue 16): framing, courses (phase 2), the funnel by
channel, method fidelity, and the evaluation with its economics. Pure rules: no store,
no UI."""
