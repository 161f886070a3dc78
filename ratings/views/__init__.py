"""Pages of the ratings app, mirroring `api/`: `ratings` (the rate page), `rounds` (rounds,
changes, my history). The group page is the `rankings` app's; the facilitator's pages (Run the
group, the projector) are the `console` app's."""
