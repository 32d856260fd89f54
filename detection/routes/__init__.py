"""Routes (direkte opsporing): which doors to plan and their prizes, the walking-route
planner, revisits, walk lists and GPX/GeoPackage files, and door outcomes."""
