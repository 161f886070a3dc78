"""Pages of the rankings app, mirroring `api/`: `rankings` (the group page, a list's page)."""
