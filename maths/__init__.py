"""The ranking maths, pure (numpy and scipy; no Django, DRF, cache or broker: the layout test
holds it), each module named for what it computes:

- `histogram_stats`: one theory's statistics from its ten-bin histogram (n, mean, median, SD,
  controversy, the t-interval of the mean), Krippendorff's alpha, Kendall's tau-b;
- `rank_intervals`: how sure the order is (rank intervals by the bootstrap over raters or the
  normal approximation, tiers), and the source post's published order;
- `agreement`: split / spread / consensus flags, Kendall's W, comparisons with reference orders;
- `ranking`: the ranked rows (the one place a ranking row is built) and the ranking's summary,
  from the three above;
- `comparison`: two stored rankings side by side, and one theory's histogram read out of one;
- `changes`: changes of mind between two rounds (who moved, toward the median or away, named
  arguments).

The recompute (`rankings.services.recompute`) reads the ratings and stores what comes out.
"""
