"""Pure spatial building blocks (EPSG:25832 metres): CRS, the address register and
geocoding, areas and the DDKN grid, OSM, the walking network, map builders. Imports
nothing from :mod:`detection` or :mod:`ui`."""
