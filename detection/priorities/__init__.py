"""Priorities: the weight of each report (scoring, decay), the area ranking with its
smoothed rate and hot spots, and focus areas (clusters)."""
