"""Every write to groups, memberships, participants, ratings and rankings."""

import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify

from theories.models import Theory

from .models import (
    GLOBAL_SCOPE,
    DiscussionGroup,
    Membership,
    Participant,
    Ranking,
    RankingRequest,
    Rating,
    Submission,
    SubmissionItem,
)
from .statistics import (
    alpha_reading,
    krippendorff_alpha_interval,
    mean_interval_95,
    stats_from_histogram,
)

logger = logging.getLogger(__name__)


class RatingsClosed(Exception):
    """The facilitator has closed ratings in this group."""


class LastFacilitator(Exception):
    """The only facilitator cannot leave or step down: the group would have nobody to run it."""


class SubmissionInvalid(Exception):
    """Some items of a submission are invalid; `errors` maps item index -> field -> messages."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        super().__init__("invalid submission")
        self.errors = errors


@dataclass(frozen=True)
class RatingItem:
    theory_id: int
    score: int | None  # None removes the rating
    rationale: str | None = None  # None keeps the stored rationale


# --- groups and memberships ---------------------------------------------------------------------


def group_create(
    *, user: User, name: str, description: str = "", visibility: str = "public"
) -> DiscussionGroup:
    """Create a group; its creator becomes its first facilitator (and participant)."""
    base = slugify(name)[:50] or "group"
    for attempt in range(5):
        slug = base if attempt == 0 else f"{base}-{secrets.token_hex(3)}"
        try:
            with transaction.atomic():
                group = DiscussionGroup.objects.create(
                    slug=slug,
                    name=name,
                    description=description,
                    visibility=visibility,
                    created_by=user,
                )
                membership_join(group=group, user=user, role=Membership.Role.FACILITATOR)
                # A deleted group's cached facts may still sit under this slug.
                transaction.on_commit(partial(_forget_group_meta, slug=slug), robust=True)
                return group
        except IntegrityError:
            continue  # the slug was taken (perhaps at this very instant): try another
    raise RuntimeError("could not find a free slug")


def group_update(*, group: DiscussionGroup, **fields: object) -> DiscussionGroup:
    allowed = {"name", "description", "visibility", "ratings_open", "results_hidden"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    visibility_changed = "visibility" in fields and fields["visibility"] != group.visibility
    for name, value in fields.items():
        setattr(group, name, value)
    with transaction.atomic():
        group.save(update_fields=list(fields))
        transaction.on_commit(partial(_forget_group_meta, slug=group.slug), robust=True)
        if visibility_changed:
            # The global ranking covers public groups only: it changes with the group's visibility.
            rankings_mark_stale(scopes=[GLOBAL_SCOPE])
    return group


def _forget_group_meta(*, slug: str) -> None:
    from .selectors import group_meta_forget

    group_meta_forget(slug=slug)


def membership_join(
    *, group: DiscussionGroup, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Join `group` (harmless when already a member: the existing membership is returned)."""
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            group=group, user=user, defaults={"role": role}
        )
        participant_for_user(group=group, user=user)
    return membership


def membership_leave(*, group: DiscussionGroup, user: User) -> None:
    """Leave `group`. The participant and its ratings stay: they were submitted to the group."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
        if membership is None:
            return
        if membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.delete()


def membership_set_role(*, group: DiscussionGroup, user: User, role: str) -> Membership:
    """Promote a member to facilitator, or step one down (never the last one)."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(group=group, user=user)
        if role == Membership.Role.MEMBER and membership.role == Membership.Role.FACILITATOR:
            _ensure_another_facilitator(group=group, user=user)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _ensure_another_facilitator(*, group: DiscussionGroup, user: User) -> None:
    # Lock every facilitator row, so that two facilitators stepping down at once cannot both pass.
    others = list(
        Membership.objects.select_for_update()
        .filter(group=group, role=Membership.Role.FACILITATOR)
        .exclude(user=user)
        .values_list("id", flat=True)
    )
    if not others:
        raise LastFacilitator("Promote another facilitator first: a group needs one.")


def participant_for_user(*, group: DiscussionGroup, user: User) -> Participant:
    participant, _ = Participant.objects.get_or_create(
        group=group, user=user, defaults={"name": user.username}
    )
    participant.group = group  # saves the query that participant.group would otherwise cost
    return participant


# --- ratings --------------------------------------------------------------------------------------


_theory_ids: frozenset[int] = frozenset()


def _theories_known(ids: set[int]) -> set[int]:
    """Which of `ids` are theories. The longlist hardly ever changes, so the ids are kept in the
    process and read again only when an id is not among them (a theory added since). A theory
    removed since would fail the foreign key instead; rating_submission_create handles that."""
    global _theory_ids
    if not ids <= _theory_ids:
        _theory_ids = frozenset(Theory.objects.values_list("id", flat=True))
    return ids & _theory_ids


def rating_items_validate(items: Sequence[RatingItem]) -> None:
    """Raise SubmissionInvalid naming every bad item: unknown theory, repeated theory, score
    outside 1..10. At most one query, whatever the number of items."""
    known = _theories_known({i.theory_id for i in items})
    errors: dict[int, dict[str, list[str]]] = {}
    seen: set[int] = set()
    for index, item in enumerate(items):
        if item.theory_id not in known:
            errors.setdefault(index, {})["theory"] = [f"Unknown theory id {item.theory_id}."]
        elif item.theory_id in seen:
            errors.setdefault(index, {})["theory"] = [
                f"Theory {item.theory_id} appears more than once in this submission."
            ]
        seen.add(item.theory_id)
        if item.score is not None and not (type(item.score) is int and 1 <= item.score <= 10):
            errors.setdefault(index, {})["score"] = ["A score is a whole number from 1 to 10."]
    if errors:
        raise SubmissionInvalid(errors)


def rating_submission_create(
    *,
    participant: Participant,
    items: Sequence[RatingItem],
    submitted_by: User | None,
    source: str,
    note: str = "",
    check_open: bool = True,
) -> Submission:
    """Save one submission: all of it or none of it.

    Upserts the participant's ratings (INSERT … ON CONFLICT), deletes those set to None, appends
    the submission and its items to the history, and marks the rankings stale. The recompute is
    enqueued after commit; the write never waits on the broker.
    """
    group = participant.group
    if check_open and not group.ratings_open:
        raise RatingsClosed("Ratings are closed in this group.")
    rating_items_validate(items)
    try:
        return _submission_write(
            participant=participant,
            items=items,
            submitted_by=submitted_by,
            source=source,
            note=note,
        )
    except IntegrityError:
        # A theory deleted since this process last read the longlist: name the item (400).
        global _theory_ids
        _theory_ids = frozenset()
        rating_items_validate(items)
        raise


def _submission_write(
    *,
    participant: Participant,
    items: Sequence[RatingItem],
    submitted_by: User | None,
    source: str,
    note: str,
) -> Submission:
    group = participant.group
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        submission = Submission.objects.create(
            participant=participant,
            group=group,
            submitted_by=submitted_by,
            source=source,
            note=note[:255],
        )
        # Multi-row INSERTs in SQL that PostgreSQL and SQLite both take: the ORM's bulk_create
        # built and prepared 40 model instances per submission, the largest share of its CPU.
        _rows_insert(
            SubmissionItem,
            ["submission_id", "theory_id", "score", "rationale"],
            [(submission.pk, i.theory_id, i.score, i.rationale or "") for i in items],
        )
        for keep_rationale in (False, True):
            updated = (
                ["score", "updated_at"] if keep_rationale else ["score", "rationale", "updated_at"]
            )
            _rows_insert(
                Rating,
                ["participant_id", "group_id", "theory_id", "score", "rationale", "updated_at"],
                [
                    (participant.pk, group.pk, i.theory_id, i.score, i.rationale or "", now)
                    for i in items
                    if i.score is not None and (i.rationale is None) == keep_rationale
                ],
                on_conflict=("participant_id, theory_id", updated),
            )
        removed = [i.theory_id for i in items if i.score is None]
        if removed:
            Rating.objects.filter(participant=participant, theory_id__in=removed).delete()
        # The group's ranking only: the global one is summed from the group rankings, so the
        # group's recompute marks it stale in turn (see ranking_recompute).
        rankings_mark_stale(scopes=[group.scope])
    return submission


def _rows_insert(
    model: type[Any],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    on_conflict: tuple[str, list[str]] | None = None,
) -> None:
    """One multi-row INSERT of `rows` (nothing when empty); with `on_conflict` = (the unique
    columns, the columns to update), an upsert."""
    if not rows:
        return
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES "
    sql += ", ".join([row] * len(rows))
    if on_conflict is not None:
        unique, updated = on_conflict
        sets = ", ".join(f"{c} = excluded.{c}" for c in updated)
        sql += f" ON CONFLICT ({unique}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for r in rows for value in r])


# --- rankings -------------------------------------------------------------------------------------


def _queued_key(scope: str) -> str:
    return f"rankings:queued:{scope}"


def rankings_mark_stale(*, scopes: Iterable[str]) -> None:
    """Record in the caller's transaction that these rankings are stale, and enqueue their
    recompute once it commits. The outbox rows outlive a broker outage; the sweeper relays them."""
    scopes = list(scopes)
    RankingRequest.objects.bulk_create(RankingRequest(scope=s) for s in scopes)
    transaction.on_commit(partial(rankings_enqueue, scopes), robust=True)


def rankings_enqueue(scopes: Iterable[str]) -> None:
    """Queue one recompute per scope, coalescing bursts.

    How a burst is coalesced: a cache key `rankings:queued:<scope>` is added (atomic SET NX) before
    a task is queued, and the task deletes it when it starts. While a recompute is waiting in the
    queue, further submissions find the key and queue nothing: the waiting task will read their
    ratings too. The task is queued with a short countdown (RANKINGS_COALESCE_SECONDS) so that a
    burst arriving within that window is covered by one recompute (the global scope, which every
    public submission touches, has the wider RANKINGS_GLOBAL_COALESCE_SECONDS). So a scope has at
    most one waiting recompute, and at most one recompute per window, however many submissions
    arrive.

    If Redis is unreachable this logs and returns: the submission has already committed its
    RankingRequest rows, and `rankings_recompute_stale` recomputes them once Redis is back.
    """
    from .tasks import rankings_recompute

    for scope in scopes:
        key = _queued_key(scope)
        try:
            if cache.add(key, 1, timeout=30):
                try:
                    # The global ranking spans every public group: a wider window keeps it
                    # from being recomputed back-to-back under a busy workshop.
                    window = (
                        settings.RANKINGS_GLOBAL_COALESCE_SECONDS
                        if scope == GLOBAL_SCOPE
                        else settings.RANKINGS_COALESCE_SECONDS
                    )
                    rankings_recompute.apply_async((scope,), countdown=window)
                except Exception:
                    cache.delete(key)
                    raise
        except Exception as exc:  # the broker/cache is down: the outbox keeps the intent
            logger.warning("could not enqueue ranking recompute of %s: %s", scope, exc)


def rankings_queued_clear(*, scope: str) -> None:
    """Called as a recompute starts: from now on a new submission must queue a fresh run."""
    try:
        cache.delete(_queued_key(scope))
    except Exception as exc:
        logger.warning("could not clear the queued mark of %s: %s", scope, exc)


def ranking_rows(
    theories: Sequence[Theory], counts: Iterable[tuple[int, int, int]]
) -> list[dict[str, object]]:
    """Ranked rows from (theory_id, score, count) triples: statistics per theory from its
    ten-bin histogram, ordered by mean desc, median desc, theory number asc, unrated last."""
    histograms: dict[int, list[int]] = {}
    for theory_id, score, count in counts:
        histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
    return ranking_rows_from_histograms(theories, histograms)


def ranking_rows_from_histograms(
    theories: Sequence[Theory], histograms: dict[int, list[int]]
) -> list[dict[str, object]]:
    """Ranked rows from one ten-bin histogram per theory id (see `ranking_rows`); a theory
    missing from `histograms` is unrated."""
    rows: list[dict[str, object]] = []
    for theory in theories:
        histogram = histograms.get(theory.id) or [0] * 10
        stats = stats_from_histogram(histogram)
        interval = mean_interval_95(stats)
        rows.append(
            {
                "theory": {"id": theory.id, "number": theory.number, "title": theory.title},
                "n": stats.n,
                "mean": stats.mean,
                "median": stats.median,
                "stdev": stats.stdev,
                "histogram": histogram,
                "controversy": stats.controversy,
                "ci_low": interval[0] if interval else None,
                "ci_high": interval[1] if interval else None,
                "thin": stats.n < 3,  # too few ratings to read much into
            }
        )
    rows.sort(
        key=lambda r: (
            r["n"] == 0,
            -(r["mean"] or 0.0),
            -(r["median"] or 0.0),
            r["theory"]["number"],  # type: ignore[index]
        )
    )
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def ranking_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Ranking-level figures: inter-rater agreement, and the most controversial of the highly
    rated theories (the source post's own observation), named in a sentence."""
    alpha = krippendorff_alpha_interval([r["histogram"] for r in rows])
    summary: dict[str, Any] = {
        "agreement": {
            "method": "Krippendorff's alpha (interval metric)",
            "value": alpha,
            "reading": alpha_reading(alpha),
        },
        "interval_method": "95% t-interval of the mean: mean ± t(0.975, n−1) · SD / √n",
        "most_controversial_highly_rated": None,
    }
    rated = [r for r in rows if r["n"] >= 2]
    if rated:
        means = sorted(r["mean"] for r in rated)
        median_mean = means[len(means) // 2]
        high = [r for r in rated if r["mean"] >= median_mean]
        top = max(high, key=lambda r: (r["controversy"], r["mean"]))
        if top["controversy"] > 0:
            theory = top["theory"]
            summary["most_controversial_highly_rated"] = {
                "theory": theory,
                "sentence": (
                    f"{theory['number']}. {theory['title']} is the most controversial of the "
                    f"highly rated theories: it averages {top['mean']:.1f}, yet two raters differ "
                    f"by {top['controversy']:.1f} points on average."
                ),
            }
    return summary


def ranking_recompute(*, scope: str, force: bool = False) -> Ranking | None:
    """Recompute the stored ranking of `scope`. Idempotent, safe to run twice.

    Locks the scope's Ranking row, so concurrent runs for one scope take turns; deletes the
    outbox requests it covers (in the same transaction: if the run dies they come back). A run
    that finds no request left (another run covered them) does nothing unless `force`.

    A group's ranking comes from its ratings: one GROUP BY (theory, score) query, statistics from
    those counts; a public group's recompute then marks the global ranking stale. The global
    ranking is the sum of the stored rankings of the public groups (their histograms and raters:
    a participant belongs to one group), so it never scans every rating. Once no recompute is
    owed it equals a scan of every public rating (bench/run.py checks this after a workshop).
    """
    group: DiscussionGroup | None = None
    if scope == GLOBAL_SCOPE:
        _public_rankings_catch_up()
    else:
        group = DiscussionGroup.objects.filter(pk=int(scope.removeprefix("group:"))).first()
        if group is None:  # deleted meanwhile
            RankingRequest.objects.filter(scope=scope).delete()
            return None
    with transaction.atomic():
        _derived_data_commit_lazily()
        ranking, created = Ranking.objects.select_for_update().get_or_create(
            scope=scope, defaults={"group": group}
        )
        # The outbox first: what it still holds after this DELETE arrived later, and is left
        # for the next run; everything this run reads below was committed before it.
        covered, _ = RankingRequest.objects.filter(scope=scope).delete()
        if not (created or covered or force):
            return ranking
        theories = list(
            Theory.objects.order_by("number").values_list("id", "number", "title", named=True)
        )
        if group is not None:
            histograms, ranking.raters = _group_histograms(group=group)
        else:
            histograms, ranking.raters = _global_histograms_from_group_rankings()
        ranking.results = ranking_rows_from_histograms(theories, histograms)
        ranking.summary = ranking_summary(ranking.results)
        ranking.computed_at = timezone.now()
        ranking.version += 1  # the row is locked: no other run can bump it meanwhile
        ranking.save(update_fields=["results", "summary", "raters", "computed_at", "version"])
        if group is not None and group.is_public:
            rankings_mark_stale(scopes=[GLOBAL_SCOPE])
        transaction.on_commit(partial(_remember_ranking, ranking=ranking), robust=True)
    return ranking


def _group_histograms(*, group: DiscussionGroup) -> tuple[dict[int, list[int]], int]:
    """Ten-bin histograms by theory id, and the number of raters (participants with a rating),
    of one group's ratings: one GROUP BY over the rating_histogram index (group, theory, score)
    and one count. Plain SQL that PostgreSQL and SQLite both take: the ORM's compilation of
    these two aggregates cost the worker several times what the database spent on them. (Two
    statements, not one UNION ALL: PostgreSQL ran that as a Parallel Append, and starting its
    workers took 8 of its 9 ms; EXPLAIN ANALYZE in docs/PERFORMANCE.md.)"""
    table = Rating._meta.db_table
    histograms: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT theory_id, score, COUNT(*) FROM {table} WHERE group_id = %s "
            "GROUP BY theory_id, score",
            [group.pk],
        )
        for theory_id, score, count in cursor.fetchall():
            histograms.setdefault(theory_id, [0] * 10)[score - 1] = count
        cursor.execute(
            f"SELECT COUNT(DISTINCT participant_id) FROM {table} WHERE group_id = %s", [group.pk]
        )
        (raters,) = cursor.fetchone()
    return histograms, raters


def _global_histograms_from_group_rankings() -> tuple[dict[int, list[int]], int]:
    histograms: dict[int, list[int]] = {}
    raters = 0
    stored = Ranking.objects.filter(group__visibility=DiscussionGroup.Visibility.PUBLIC)
    for results, group_raters in stored.values_list("results", "raters").iterator(chunk_size=200):
        raters += group_raters
        for row in results:
            if row["n"]:
                total = histograms.setdefault(row["theory"]["id"], [0] * 10)
                for i, count in enumerate(row["histogram"]):
                    total[i] += count
    return histograms, raters


def _public_rankings_catch_up() -> None:
    """Recompute first the public groups whose ranking is owed with no recompute queued (its
    enqueue was lost, or it is called directly), and those with ratings but no stored ranking at
    all (loaded by SQL), so that the sum covers them. A group whose recompute is queued is left
    to it: that run marks the global ranking stale again, and a hot group is not recomputed
    more often than its coalescing window allows."""
    owed = {
        int(s.removeprefix("group:"))
        for s in RankingRequest.objects.filter(scope__startswith="group:")
        .values_list("scope", flat=True)
        .distinct()
    }
    if owed:
        try:
            queued = cache.get_many([_queued_key(f"group:{pk}") for pk in owed])
        except Exception:  # the cache is down: nothing can be known to be queued
            queued = {}
        owed -= {int(key.removeprefix(_queued_key("group:"))) for key in queued}
    public = DiscussionGroup.objects.filter(visibility=DiscussionGroup.Visibility.PUBLIC)
    never = public.filter(ranking__isnull=True).filter(
        Exists(Rating.objects.filter(group=OuterRef("pk")))
    )
    ids = set(public.filter(pk__in=owed).values_list("pk", flat=True)) if owed else set()
    ids.update(never.values_list("pk", flat=True))
    for group_id in sorted(ids):
        ranking_recompute(scope=f"group:{group_id}")


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


def _remember_ranking(*, ranking: Ranking) -> None:
    """Publish the committed version's ETag, with its rendered body: the reads that follow a
    recompute are the ones a live dashboard makes, and none of them needs the database."""
    from .selectors import RankingView, ranking_etag_remember

    ranking_etag_remember(ranking=RankingView.of(ranking))
