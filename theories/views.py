"""The pages of the theories and of longlists: the lists, a list, making one. Thin: access in
theories.access, writes in theories.services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from impactboard.errors import DomainError
from impactboard.request_types import AuthedHttpRequest

from .access import (
    ListNeed,
    longlist_access,
    longlist_may_change,
    longlist_propose_access,
    longlists_visible_to,
)
from .diff import word_diff
from .forms import LonglistNewForm
from .models import Longlist, LonglistChange
from .proposals import proposal_create, proposal_decide
from .selectors import (
    longlist_changes,
    longlist_item_of,
    longlist_items,
    longlists_annotated,
    proposal_of,
    proposals_pending_count,
    proposals_visible,
    theory_list,
)
from .services import (
    LonglistInvalid,
    longlist_create,
    longlist_item_add,
    longlist_item_retire,
    longlist_item_reword,
    longlist_update,
)
from .similar import longlist_similar


def theory_index(request: HttpRequest) -> HttpResponse:
    return render(request, "theories/theory_list.html", {"theories": theory_list()})


def list_index(request: HttpRequest) -> HttpResponse:
    """Every list the reader may see, with its item count, groups and raters."""
    lists = longlists_annotated(longlists_visible_to(user=request.user)).order_by(
        "-is_default", "title", "pk"
    )
    return render(request, "theories/list_index.html", {"lists": lists})


def list_detail_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A list's page (templates/theories/list_detail.html) but for its ranking: the page is
    served by ratings.views.rankings.list_detail, which adds the list's own global ranking
    (the ranking is the ratings app's, above this one). 404 to those who may not see it."""
    longlist = longlist_access(slug=slug, user=request.user)
    annotated = longlists_annotated(Longlist.objects.filter(pk=longlist.pk)).get()
    can_change = longlist_may_change(longlist=longlist, user=request.user)
    return {
        "longlist": annotated,
        "items": list(longlist_items(longlist=longlist)),
        "changes": _with_diffs(list(longlist_changes(longlist=longlist)[:20])),
        "can_change": can_change,
        "pending": proposals_pending_count(longlist=longlist) if can_change else 0,
        "can_propose": request.user.is_authenticated
        and longlist.proposals != Longlist.Proposals.CLOSED,
        "proposal_choices": Longlist.Proposals.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def list_new(request: AuthedHttpRequest) -> HttpResponse:
    """Paste, upload or fork; a preview shows what will be created; "Create" creates it. Bad
    input gets a message naming the line, and nothing is saved."""
    creating = request.POST.get("action") == "create" and bool(request.POST.get("items_json"))
    form = LonglistNewForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        previewed=request.POST.get("items_json") if creating else None,
        initial={"fork": request.GET["fork"], "source": "fork"}
        if request.GET.get("fork")
        else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if creating:
            try:
                longlist = longlist_create(
                    user=request.user,
                    title=data["title"],
                    description=data["description"],
                    visibility=data["visibility"],
                    items=form.items,
                    forked_from=data.get("fork") if data.get("source") == "fork" else None,
                )
            except DomainError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return render(request, "theories/list_new.html", {"form": form}, status=400)
            messages.success(request, f"Created \u201c{longlist.title}\u201d.")
            return redirect("list_detail", slug=longlist.slug)
        return render(
            request,
            "theories/list_new.html",
            {"form": form, "preview": form.items, "items_json": form.items_payload()},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "theories/list_new.html", {"form": form}, status=status)


@login_required
@require_POST
def list_item_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
    try:
        item = longlist_item_add(
            longlist=longlist,
            by=request.user,
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
        )
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Added item {item.number}, \u201c{item.title}\u201d.")
    return redirect("list_detail", slug=longlist.slug)


def _say(request: HttpRequest, exc: DomainError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def list_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The owner says whether the list takes proposals (closed, moderated or open)."""
    longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
    choice = request.POST.get("proposals", "")
    if choice not in Longlist.Proposals.values:
        messages.error(request, "Choose closed, moderated or open.")
    else:
        longlist_update(longlist=longlist, proposals=choice)
        messages.success(request, f"Proposals: {longlist.get_proposals_display().lower()}.")
    return redirect("list_detail", slug=longlist.slug)


def list_proposals(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner's queue (pending first, with accept and reject), or for anyone else their own
    proposals and the decided ones, each with its decision and reason."""
    longlist = longlist_access(slug=slug, user=request.user)
    shown = list(proposals_visible(longlist=longlist, user=request.user)[:200])
    can_change = longlist_may_change(longlist=longlist, user=request.user)
    context = {
        "longlist": longlist,
        "pending": [p for p in shown if p.status == "pending"],
        "decided": [p for p in shown if p.status != "pending"],
        "pending_count": proposals_pending_count(longlist=longlist),
        "can_change": can_change,
        "can_propose": request.user.is_authenticated
        and longlist.proposals != Longlist.Proposals.CLOSED,
    }
    return render(request, "theories/proposals.html", context)


@login_required
@require_POST
def list_propose(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    longlist = longlist_propose_access(slug=slug, user=request.user)
    try:
        proposal, similar = proposal_create(
            longlist=longlist,
            user=request.user,
            title=request.POST.get("title", ""),
            summary=request.POST.get("summary", ""),
            why=request.POST.get("why", ""),
        )
    except DomainError as exc:
        _say(request, exc)
        return redirect("list_detail", slug=longlist.slug)
    if proposal.status == "accepted" and proposal.item:
        messages.success(request, f"Added as item {proposal.item.number}: the list is open.")
    else:
        messages.success(request, "Proposed: the list's owner will accept or reject it.")
    if similar:
        messages.info(request, "Similar: " + "; ".join(s.label for s in similar))
    return redirect("list_proposals", slug=longlist.slug)


@login_required
@require_POST
def list_proposal_decide(request: AuthedHttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
    proposal = proposal_of(longlist=longlist, pk=proposal_id)
    try:
        proposal_decide(
            proposal=proposal,
            by=request.user,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _say(request, exc)
    else:
        messages.success(
            request,
            f"Accepted: item {proposal.item.number}, \u201c{proposal.title}\u201d."
            if proposal.item
            else f"Rejected \u201c{proposal.title}\u201d.",
        )
    return redirect("list_proposals", slug=longlist.slug)


@login_required
@require_GET
def list_similar(request: AuthedHttpRequest, slug: str) -> JsonResponse:
    """The hint under the proposal form, as the proposer types: items and pending proposals
    worded like `q`."""
    longlist = longlist_propose_access(slug=slug, user=request.user)
    similar = longlist_similar(longlist=longlist, text=request.GET.get("q", ""))
    return JsonResponse(
        {
            "similar": [
                {"kind": s.kind, "id": s.id, "number": s.number, "title": s.title, "label": s.label}
                for s in similar
            ]
        }
    )


def _with_diffs(changes: list[LonglistChange]) -> list[LonglistChange]:
    """A rewording's change gains `diffs`: the word-level diff of its title and of its summary
    (where they differ)."""
    for change in changes:
        if change.kind == LonglistChange.Kind.REWORDED and change.before and change.after:
            change.diffs = [  # type: ignore[attr-defined]
                (field, word_diff(change.before.get(field, ""), change.after.get(field, "")))
                for field in ("title", "summary")
                if change.before.get(field, "") != change.after.get(field, "")
            ]
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def list_item_edit(request: AuthedHttpRequest, slug: str, item_id: int) -> HttpResponse:
    """The owner rewords an item (its ratings and earlier text kept) or retires it, optionally
    naming the item that replaces it."""
    longlist = longlist_access(slug=slug, user=request.user, need=ListNeed.CHANGE)
    item = longlist_item_of(longlist=longlist, pk=item_id)
    others = longlist_items(longlist=longlist, active_only=True).exclude(pk=item.pk)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "retire":
                target = request.POST.get("replaced_by", "")
                replacement = others.filter(pk=int(target)).first() if target.isdigit() else None
                if target and replacement is None:
                    raise LonglistInvalid("replaced_by", ["Choose an active item of this list."])
                longlist_item_retire(item=item, by=request.user, replaced_by=replacement)
                messages.success(request, f"Retired item {item.number}; its ratings are kept.")
            else:
                longlist_item_reword(
                    item=item,
                    by=request.user,
                    title=request.POST.get("title", ""),
                    summary=request.POST.get("summary", ""),
                )
                messages.success(request, f"Saved item {item.number}; earlier wordings are kept.")
        except DomainError as exc:
            _say(request, exc)
            status = 400
        else:
            return redirect("list_detail", slug=longlist.slug)
    context = {"longlist": longlist, "item": item, "others": others}
    return render(request, "theories/item_edit.html", context, status=status)
