"""The register: a workspace built from a municipality's own files (DAR entrances and units,
BBR, OSM or GeoDanmark roads, planning areas, the boundary) or the Samsø demo."""
