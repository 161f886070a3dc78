"""The pages of the theories and of longlists: the lists, a list, making one. Thin: access in
theories.access, writes in theories.services."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.errors import DomainError
from impactboard.request_types import AuthedHttpRequest

from .access import ListNeed, longlist_access, longlist_may_change, longlists_visible_to
from .forms import LonglistNewForm
from .models import Longlist
from .selectors import longlist_changes, longlist_items, longlists_annotated, theory_list
from .services import longlist_create, longlist_item_add


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
    return {
        "longlist": annotated,
        "items": list(longlist_items(longlist=longlist)),
        "changes": longlist_changes(longlist=longlist)[:20],
        "can_change": longlist_may_change(longlist=longlist, user=request.user),
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
