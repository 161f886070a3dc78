"""The stored rankings and their outbox.

The tables keep their names from when these models lived in `ratings` (db_table), so an existing
database moved here without a change of data (rankings/migrations/0001_initial.py)."""

from django.db import models

from groups.models import DiscussionGroup


class Ranking(models.Model):
    """The stored aggregate of one scope: `global` or `group:<id>`. Derived data: rebuilt from
    ratings by `ranking_recompute`; reading it never aggregates."""

    scope = models.CharField(max_length=40, unique=True)
    group = models.OneToOneField(
        DiscussionGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="ranking"
    )
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)
    raters = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list)
    # A group's ranking only: the ten-bin histograms (by theory id) and the raters of its
    # global-eligible participants (imported ones, and members who joined by invitation). The
    # global ranking sums these over the groups that feed it.
    global_histograms = models.JSONField(default=dict)
    global_raters = models.PositiveIntegerField(default=0)
    # Ranking-level figures: agreement, the notable theory, the methods used.
    summary = models.JSONField(default=dict)

    class Meta:
        db_table = "ratings_ranking"


class RankingRequest(models.Model):
    """Outbox: 'this scope's ranking is stale', written in the submission's own transaction so
    that the intent survives a broker outage. The recompute deletes what it has covered."""

    scope = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "ratings_rankingrequest"
