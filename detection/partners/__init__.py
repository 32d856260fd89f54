"""Partners (kommunikationsstrategi): the partner network, its coverage over the need, the
gaps, the yield of each partner and the feedback files."""
