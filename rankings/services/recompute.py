"""The recompute of a stored ranking from the truth (ratings, or the stored group rankings)."""

from functools import partial

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from groups.models import GLOBAL_FEED, LIST_FEED, DiscussionGroup, Membership, Participant
from impactboard.pubsub import ranking_changed_publish
from maths.combine import global_ranking_of_groups
from maths.rank_intervals import POST_ORDER
from maths.ranking import (
    RankingRow,
    Reference,
    TheoryLike,
    histograms_of_scores,
    ranking_build,
)
from ratings.models import Rating
from ratings.selectors.rounds import round_scores
from theories.models import Theory

from ..models import Ranking, RankingRequest
from ..ranking_cache import RankingView, ranking_etag_remember
from ..scope import Scope
from ..selectors.rankings import open_round_scope, round_scope
from .outbox import rankings_mark_stale, rankings_queued


def ranking_recompute(*, scope: Scope, force: bool = False) -> Ranking | None:
    """Recompute the stored ranking of `scope`. Idempotent, safe to run twice.

    Locks the scope's Ranking row, so concurrent runs for one scope take turns; deletes the
    outbox requests it covers (in the same transaction: if the run dies they come back). A run
    that finds no request left (another run covered them) does nothing unless `force`.

    A group's ranking comes from its ratings: one GROUP BY (theory, score) query, statistics from
    those counts, plus one more GROUP BY for its global-eligible participants; a group that
    feeds the global ranking (GLOBAL_FEED) then marks it stale. The global ranking is a ranking
    of groups: each group that feeds it gives one voice per theory (its stored eligible result),
    combined by the median of the groups' means (maths.combine;
    docs/decisions/global-ranking-of-groups.md), so it never scans every rating. Once no
    recompute is owed it equals that rule applied to a scan of every eligible rating of those
    groups.
    """
    group: DiscussionGroup | None = None
    round_number = scope.number
    if scope.group_id is None:  # the global ranking
        _public_rankings_catch_up(scope=scope)
    else:
        group = DiscussionGroup.objects.select_related("longlist").filter(pk=scope.group_id).first()
        if group is None:  # deleted meanwhile
            RankingRequest.objects.filter(scope=scope.key).delete()
            return None
    with transaction.atomic():
        _derived_data_commit_lazily()
        ranking, created = Ranking.objects.select_for_update().get_or_create(
            scope=scope.key, defaults={"group": group if scope.is_group else None}
        )
        # The outbox first: what it still holds after this DELETE arrived later, and is left
        # for the next run; everything this run reads below was committed before it.
        covered, _ = RankingRequest.objects.filter(scope=scope.key).delete()
        if not (created or covered or force):
            return ranking
        if group is None:
            theories, feeding = _global_inputs(scope=scope)
            ranking.raters, stored = _stored_group_results(feeding=feeding)
            ranking.results, ranking.summary = global_ranking_of_groups(theories, stored)
        else:
            _group_ranking_compute(ranking=ranking, group=group, round_number=round_number)
        ranking.computed_at = timezone.now()
        ranking.version += 1  # the row is locked: no other run can bump it meanwhile
        ranking.save(
            update_fields=[
                "results",
                "summary",
                "raters",
                "computed_at",
                "version",
                "global_histograms",
                "global_raters",
            ]
        )
        if group is not None and round_number is None:
            # The open round's results move with the current ones (from round 2 on; before,
            # they are the group's own ranking), and the global ranking combines the groups
            # that feed it. A group that does not (unlisted, or hiding its results while open)
            # leaves the global ranking untouched: not even its version moves for a differ to
            # notice.
            stale = [open_round_scope(group=group)] if group.current_round > 1 else []
            stale += [Scope.global_()] if group.feeds_global else []
            if group.feeds_list and not group.longlist.is_default:
                stale.append(Scope.longlist(group.longlist_id))
            if stale:
                rankings_mark_stale(scopes=stale)
        # Publish the committed version's ETag with its rendered body: the reads that follow a
        # recompute are the ones a live dashboard makes, and none of them needs the database.
        transaction.on_commit(
            partial(ranking_etag_remember, ranking=RankingView.of(ranking)), robust=True
        )
        # Then tell the open pages (live/: server-sent events), fail-open like the cache.
        transaction.on_commit(
            partial(ranking_changed_publish, scope_key=scope.key, version=ranking.version),
            robust=True,
        )
    return ranking


def _group_ranking_compute(
    *, ranking: Ranking, group: DiscussionGroup, round_number: int | None
) -> None:
    """A group's (or one of its rounds') rows, summary and counts, from its ratings, into
    `ranking` (not saved). A group ranks the active items of its own list."""
    items = Theory.objects.filter(status=Theory.Status.ACTIVE, longlist_id=group.longlist_id)
    theories: list[TheoryLike] = list(
        items.order_by("number").values_list("id", "number", "title", named=True)
    )
    scores: list[tuple[int, int, int]] | None = None
    if round_number is not None:
        scores = [(p, t, s) for p, t, _, s, _ in round_scores(group=group, rounds=[round_number])]
        histograms, ranking.raters = histograms_of_scores(scores)
    else:
        histograms, ranking.raters, scores = _group_histograms(group=group)
        eligible: dict[int, list[int]] = {}
        ranking.global_raters = 0
        if group.is_public and group.listing == DiscussionGroup.Listing.LISTED:
            # Only a listed group's are ever counted (listing recomputes the group).
            eligible, ranking.global_raters = _group_global_histograms(group=group)
        ranking.global_histograms = {str(k): v for k, v in eligible.items()}
    # The statistics of how sure the order is run here, once per version, never on read.
    ranking.results, ranking.summary = ranking_build(
        theories,
        histograms,
        scores=scores,
        references=_references(group=group, round_number=round_number),
    )


def _references(*, group: DiscussionGroup | None, round_number: int | None) -> list[Reference]:
    """The orders a group's (or round's) order is compared with: the source post's, the stored
    global ranking's, and from round 2 on the group's previous round's (as stored). None for the
    global ranking itself. The global order is the one stored when this scope is recomputed: a
    move of the global ranking alone does not recompute every group (that would undo the
    coalescing); the group's next rating brings it up to date."""
    if group is None:
        return []
    references: list[Reference] = []
    stored = Ranking.objects.values_list("results", flat=True)
    if group.longlist.is_default:
        # The post and the global ranking order the default list's items; another list's
        # numbers would be compared with theories they do not name.
        references.append(("post", "the post's group", POST_ORDER))
        world = stored.filter(scope=Scope.global_().key).first()
        if world is not None:
            references.append(("global", "all public groups", _order_of(world)))
    current = round_number if round_number is not None else group.current_round
    if current >= 2:
        previous_scope = round_scope(group=group, number=current - 1)
        if (rows := stored.filter(scope=previous_scope.key).first()) is not None:
            name = f"your round {current - 1}"
            references.append((f"round-{current - 1}", name, _order_of(rows)))
    return references


def _order_of(rows: list[RankingRow]) -> list[int]:
    """Theory numbers of a stored ranking's rated rows, best first."""
    return [r["theory"]["number"] for r in rows if r["n"]]


def _group_histograms(
    *, group: DiscussionGroup
) -> tuple[dict[int, list[int]], int, list[tuple[int, int, int]]]:
    """Ten-bin histograms by theory id, the number of raters (participants with a rating), and
    the (participant id, theory id, score) rows of one group's ratings: one GROUP BY over the
    rating_histogram index (group, theory, score) and one read of the rater × theory scores
    (the rank intervals resample raters, so they need the rows; the raters are counted from
    them). Plain SQL that PostgreSQL and SQLite both take: the ORM's compilation of
    these two aggregates cost the worker several times what the database spent on them. (Two
    statements, not one UNION ALL: PostgreSQL ran that as a Parallel Append, and starting its
    workers took 8 of its 9 ms; EXPLAIN ANALYZE in docs/PERFORMANCE.md.)"""
    table = Rating._meta.db_table
    histograms: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT theory_id, score, COUNT(*) FROM {table} WHERE group_id = %s "  # noqa: S608
            "GROUP BY theory_id, score",
            [group.pk],
        )
        for theory_id, score, count in cursor.fetchall():
            histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
        cursor.execute(
            f"SELECT participant_id, theory_id, score FROM {table} WHERE group_id = %s",  # noqa: S608
            [group.pk],
        )
        scores = cursor.fetchall()
    return histograms, len({participant for participant, _, _ in scores}), scores


def _group_global_histograms(*, group: DiscussionGroup) -> tuple[dict[int, list[int]], int]:
    """Like _group_histograms, for the group's global-eligible participants only: imported ones
    (no account) and account holders whose membership came through the invitation (or who
    created the group). Self-joined members, and those who have left, count in the group only,
    and still do once their account is deleted with "keep ratings" (`counts_globally` false:
    accounts.services.account_delete), so that a deletion changes no count. One GROUP BY and
    one count over the group's ratings, joined to participants and memberships."""
    rating = Rating._meta.db_table
    participant = Participant._meta.db_table
    membership = Membership._meta.db_table
    eligible = (
        f"FROM {rating} r JOIN {participant} p ON p.id = r.participant_id "
        f"LEFT JOIN {membership} m ON m.group_id = r.group_id AND m.user_id = p.user_id "
        "WHERE r.group_id = %s AND p.counts_globally AND (p.user_id IS NULL OR m.via_invite = %s)"
    )
    histograms: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.theory_id, r.score, COUNT(*) {eligible} GROUP BY r.theory_id, r.score",
            [group.pk, True],
        )
        for theory_id, score, count in cursor.fetchall():
            histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
        cursor.execute(
            f"SELECT COUNT(DISTINCT r.participant_id) {eligible}",
            [group.pk, True],
        )
        (raters,) = cursor.fetchone()
    return histograms, raters


def _global_inputs(*, scope: Scope) -> tuple[list[TheoryLike], QuerySet[DiscussionGroup]]:
    """The items a global scope ranks and the groups it counts: for the default global scope,
    the default list's active items and the groups in GLOBAL_FEED (those rating the default
    list); for a list's own (`Scope.longlist`), that list's active items and the groups in
    LIST_FEED that rate it. The combination and its storage are the same for both."""
    if not scope.is_global:
        raise ValueError(f"not a global scope: {scope.key!r}")
    items = Theory.objects.filter(status=Theory.Status.ACTIVE)
    if scope.longlist_id is None:
        items = items.filter(longlist__is_default=True)
        feeding = DiscussionGroup.objects.filter(GLOBAL_FEED)
    else:
        items = items.filter(longlist_id=scope.longlist_id)
        feeding = DiscussionGroup.objects.filter(LIST_FEED, longlist_id=scope.longlist_id)
    theories: list[TheoryLike] = list(
        items.order_by("number").values_list("id", "number", "title", named=True)
    )
    return theories, feeding


def _stored_group_results(
    *, feeding: QuerySet[DiscussionGroup]
) -> tuple[int, list[dict[int, list[int]]]]:
    """The raters behind the global ranking (the sum of the groups' eligible raters: a
    participant belongs to one group) and each feeding group's stored eligible histograms by
    theory id: its result, read from its stored ranking, never from its ratings."""
    raters = 0
    results: list[dict[int, list[int]]] = []
    stored = Ranking.objects.filter(group__in=feeding)
    rows = stored.values_list("global_histograms", "global_raters").iterator(chunk_size=200)
    for group_histograms, group_raters in rows:
        raters += group_raters
        results.append({int(k): v for k, v in group_histograms.items()})
    return raters, results


def _public_rankings_catch_up(*, scope: Scope) -> None:
    """Recompute first the feeding groups whose ranking is owed with no recompute queued (its
    enqueue was lost, or it is called directly), and those with ratings but no stored ranking at
    all (loaded by SQL), so that the combination covers them. A group whose recompute is queued
    is left to it: that run marks the global ranking stale again, and a hot group is not recomputed
    more often than its coalescing window allows."""
    owed_scopes = [
        Scope.parse(key)
        for key in RankingRequest.objects.filter(scope__startswith=Scope.GROUP_PREFIX)
        .values_list("scope", flat=True)
        .distinct()
    ]
    queued = rankings_queued(scopes=owed_scopes)
    owed = {s.group_id for s in owed_scopes if s not in queued and s.group_id is not None}
    _, public = _global_inputs(scope=scope)
    never = public.filter(ranking__isnull=True).filter(
        Exists(Rating.objects.filter(group=OuterRef("pk")))
    )
    ids = set(public.filter(pk__in=owed).values_list("pk", flat=True)) if owed else set()
    ids.update(never.values_list("pk", flat=True))
    for group_id in sorted(ids):
        ranking_recompute(scope=Scope.group(group_id))


def _derived_data_commit_lazily() -> None:
    """A ranking is derived data, so its commit need not wait for the WAL flush (on this machine
    the flush made a recompute 22 ms instead of 8 ms of wall time, holding a worker process).
    If PostgreSQL crashed before the flush, the outbox rows this run deleted come back with the
    old ranking, and the sweeper recomputes it. The ratings it then reads are the same: WAL is
    flushed in order, so a rating committed (durably) after this run would have flushed this
    run too; the recomputed version therefore has the same number and the same content, and an
    ETag already handed out stays true. PostgreSQL only; this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
