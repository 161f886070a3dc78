"""Pages of the ratings app, mirroring `api/`: `rankings` (the group page), `ratings` (the rate
page), `rounds` (rounds, changes, my history), `facilitate` (running the group)."""
