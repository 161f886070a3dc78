"""Reads of longlists and their items."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from .access import longlist_may_change
from .models import Longlist, LonglistChange, Proposal, Theory, TheoryRevision


def longlist_default() -> Longlist | None:
    return Longlist.objects.filter(is_default=True).first()


def theory_list() -> QuerySet[Theory]:
    """The default list's active items, by number: GET /api/v1/theories/ and the theories page,
    exactly as before there were other lists."""
    return Theory.objects.filter(longlist__is_default=True, status=Theory.Status.ACTIVE).order_by(
        "number"
    )


def longlist_items(*, longlist: Longlist, active_only: bool = False) -> QuerySet[Theory]:
    items = Theory.objects.filter(longlist=longlist)
    if active_only:
        items = items.filter(status=Theory.Status.ACTIVE)
    return items.order_by("number")


def longlist_changes(*, longlist: Longlist) -> QuerySet[LonglistChange]:
    return LonglistChange.objects.filter(longlist=longlist).select_related("by")


def longlists_annotated(lists: QuerySet[Longlist]) -> QuerySet[Longlist]:
    """`lists` with `item_count` (active items), `group_count` and `rater_count` (participants
    with a rating in a group on the list), one query for the lot. Groups and ratings sit above
    this app: counted through their reverse relations."""
    items = (
        Theory.objects.filter(longlist=OuterRef("pk"), status=Theory.Status.ACTIVE)
        .order_by()
        .values("longlist")
        .annotate(c=Count("*"))
        .values("c")
    )
    return lists.annotate(
        item_count=Subquery(items),
        group_count=Count("groups", distinct=True),
        rater_count=Count(
            "groups__ratings__participant", distinct=True, filter=Q(groups__ratings__isnull=False)
        ),
    ).select_related("owner", "forked_from")


def proposals_visible(*, longlist: Longlist, user: User | AnonymousUser) -> QuerySet[Proposal]:
    """The owner (or staff, for the default list) sees every proposal; anyone else their own and
    the decided ones, newest first."""
    proposals = Proposal.objects.filter(longlist=longlist).select_related(
        "proposer", "decided_by", "item"
    )
    if longlist_may_change(longlist=longlist, user=user):
        return proposals
    mine = Q(proposer=user) if user.is_authenticated else Q(pk__in=[])
    return proposals.filter(mine | ~Q(status=Proposal.Status.PENDING))


def proposals_pending_count(*, longlist: Longlist) -> int:
    return Proposal.objects.filter(longlist=longlist, status=Proposal.Status.PENDING).count()


def proposal_of(*, longlist: Longlist, pk: int) -> Proposal:
    """Proposal `pk` of `longlist` (the caller checked the list), or Http404."""
    proposal = Proposal.objects.filter(longlist=longlist, pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def longlist_item_of(*, longlist: Longlist, pk: int) -> Theory:
    """Item `pk` of `longlist` (the caller checked the list), or Http404."""
    item = Theory.objects.filter(longlist=longlist, pk=pk).first()
    if item is None:
        raise Http404("No such item.")
    return item


def theory_revision_texts(*, theory_ids: list[int]) -> dict[tuple[int, int], tuple[str, str]]:
    """The earlier wordings of these items: (item id, revision) -> (title, summary)."""
    rows = TheoryRevision.objects.filter(theory_id__in=theory_ids).values_list(
        "theory_id", "revision", "title", "summary"
    )
    return {(t, r): (title, summary) for t, r, title, summary in rows}
