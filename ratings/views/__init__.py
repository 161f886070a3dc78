"""Pages of the ratings app, mirroring `api/`: `rankings` (the group page), `ratings` (the rate
page), `rounds` (rounds, changes, my history).
The facilitator's pages (Run the group, the projector) are the `console` app's."""
