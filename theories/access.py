"""The one place that decides who may see or change a longlist and its items.

A public list is visible to all. A private list is visible to its owner and to the members of the
groups that rate it (a group rating a private list is itself private: groups.services), and 404
to anyone else, at every door (its page, its items, their threads, the API). Only the owner
changes a list; the default list (the 20 theories) is changed by staff only.

Groups sit above this app, so their memberships are read through the reverse relations
(`groups__memberships__user`), never imported."""

from enum import Enum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Longlist, Theory


class ListNeed(Enum):
    VIEW = "view"
    CHANGE = "change"


def longlists_visible_to(*, user: User | AnonymousUser) -> QuerySet[Longlist]:
    """The lists `user` may see: public ones, their own, those of the groups they belong to."""
    lists = Longlist.objects.all()
    if not user.is_authenticated:
        return lists.filter(visibility=Longlist.Visibility.PUBLIC)
    member = Longlist.objects.filter(pk=OuterRef("pk"), groups__memberships__user=user)
    return lists.filter(
        Q(visibility=Longlist.Visibility.PUBLIC) | Q(owner=user) | Q(Exists(member))
    )


def longlist_visible(*, longlist: Longlist, user: User | AnonymousUser) -> bool:
    if longlist.is_public:
        return True
    if not user.is_authenticated:
        return False
    if longlist.owner_id == user.pk:
        return True
    return longlist.groups.filter(memberships__user=user).exists()


def longlist_may_change(*, longlist: Longlist, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if longlist.is_default:
        return user.is_staff
    return longlist.owner_id == user.pk


def longlist_access(
    *, slug: str, user: User | AnonymousUser, need: ListNeed = ListNeed.VIEW
) -> Longlist:
    """The list `slug`, or Http404 (unknown, or private and not visible) / PermissionDenied."""
    longlist = Longlist.objects.filter(slug=slug).first()
    if longlist is None or not longlist_visible(longlist=longlist, user=user):
        raise Http404("No such list.")
    if need is ListNeed.CHANGE and not longlist_may_change(longlist=longlist, user=user):
        raise PermissionDenied(
            "Only staff change the default list."
            if longlist.is_default
            else "Only the list's owner may change it."
        )
    return longlist


def theory_visible(*, theory: Theory, user: User | AnonymousUser) -> bool:
    return longlist_visible(longlist=theory.longlist, user=user)


def theory_for(
    *, user: User | AnonymousUser, pk: int | None = None, slug: str | None = None
) -> Theory:
    """The item `pk` (or `slug`) if `user` may see its list; otherwise Http404."""
    found = Theory.objects.select_related("longlist")
    theory = found.filter(pk=pk).first() if pk is not None else found.filter(slug=slug).first()
    if theory is None or not theory_visible(theory=theory, user=user):
        raise Http404("No such theory.")
    return theory


def longlist_propose_access(*, slug: str, user: User | AnonymousUser) -> Longlist:
    """The list `slug` if `user` may propose items to it: they may see it (else Http404) and its
    owner takes proposals (else PermissionDenied). Signing in is the view's business."""
    longlist = longlist_access(slug=slug, user=user)
    if longlist.proposals == Longlist.Proposals.CLOSED:
        raise PermissionDenied("This list takes no proposals.")
    return longlist
