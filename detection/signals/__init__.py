"""Signals: partners' reports (henvendelser) read from CSV/XLSX/GeoJSON, checked row by
row, matched to the register and rejected with reasons."""
