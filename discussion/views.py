"""Pages for the discussion: the threads (public, on the theory page; a group's own, at
/groups/<slug>/theories/<theory>/), "for and against", edit, versions, a person's comments, and
the plain POST forms behind every button, so that all of it works without JavaScript."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import PageThrottle
from theories.models import Theory

from .access import CommentNeed, ThreadAccess, comment_access, thread_access
from .forms import CommentCreateForm, CommentForm, ReportForm, VoteForm, form_messages
from .models import Comment
from .selectors import (
    ORDERINGS,
    CommentShown,
    comment_tree,
    comment_versions,
    comments_shown,
    groups_of,
    sides,
    stance_counts,
    thread_comments,
    user_public_comments,
    viewer_context,
)
from .services import (
    CommentInvalid,
    comment_create,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_report,
    comment_retract,
    comment_vote,
)

# A page shows a whole thread; beyond this many comments the oldest-first cut applies.
THREAD_PAGE_LIMIT = 500
SORT_LABELS = {"oldest": "Oldest", "newest": "Newest", "top": "Top"}


def thread_url(*, theory: Theory, group_slug: str | None) -> str:
    if group_slug:
        return reverse("group_theory", kwargs={"slug": group_slug, "theory_slug": theory.slug})
    return reverse("theory_detail", kwargs={"slug": theory.slug})


def _comment_url(comment: Comment) -> str:
    group_slug = comment.group.slug if comment.group is not None else None
    return f"{thread_url(theory=comment.theory, group_slug=group_slug)}#c-{comment.pk}"


def _throttled(request: HttpRequest) -> bool:
    """The API's per-user "comments" bucket, shared with the page forms."""
    return not PageThrottle("comments").allow_request(request, None)


def _too_many() -> HttpResponse:
    response = HttpResponse(
        "Too many comments and votes in a short time: wait a minute and try again.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def _shown(
    comments: list[Comment], *, thread: ThreadAccess, request: HttpRequest
) -> dict[int, CommentShown]:
    """What the templates show beside each comment for this viewer (read once per page)."""
    viewer = viewer_context(thread=thread, comments=comments, user=request.user)
    return comments_shown(viewer=viewer, comments=comments)


def thread_context(
    request: HttpRequest, *, thread: ThreadAccess, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything templates/discussion/_thread.html needs, for any thread."""
    sort = request.GET.get("sort", "oldest")
    if sort not in ORDERINGS:
        sort = "oldest"
    comments = list(thread_comments(thread=thread, ordering=sort)[:THREAD_PAGE_LIMIT])
    shown = _shown(comments, thread=thread, request=request)
    group_slug = thread.group.slug if thread.group else None
    base = thread_url(theory=thread.theory, group_slug=group_slug)
    if group_slug:
        post_url = reverse(
            "group_theory_comment", kwargs={"slug": group_slug, "theory_slug": thread.theory.slug}
        )
        sides_url = reverse(
            "group_theory_sides", kwargs={"slug": group_slug, "theory_slug": thread.theory.slug}
        )
    else:
        post_url = reverse("theory_comment", kwargs={"slug": thread.theory.slug})
        sides_url = reverse("theory_sides", kwargs={"slug": thread.theory.slug})
    return {
        "thread": thread,
        "entries": comment_tree(comments, shown=shown),
        "comment_count": len(comments),
        "counts": stance_counts(thread=thread),
        "sort": sort,
        "sorts": [(key, SORT_LABELS[key]) for key in ORDERINGS],
        "thread_url": base,
        "post_url": post_url,
        "sides_url": sides_url,
        "form": form or {},
    }


def theory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The theory page: its text, the distribution of its scores (drawn from the API) and its
    public discussion."""
    theory = _theory(slug)  # a private list's item: 404 from its thread's access rule
    context = {"theory": theory, "score_range": range(1, 11)}
    context |= public_thread_context(request, theory=theory)
    return render(request, "theories/theory_detail.html", context)


def public_thread_context(request: HttpRequest, *, theory: Theory) -> dict[str, Any]:
    """For the theory page: its public thread, and links to the caller's groups' threads.
    Everything sits under one key, `discussion`, so that it cannot clash with the page's own."""
    thread = thread_access(theory=theory, group_slug=None, user=request.user)
    context = thread_context(request, thread=thread)
    context["my_groups"] = list(groups_of(user=request.user))
    return {"discussion": context}


def _theory(slug: str) -> Theory:
    # Visibility of its list is the thread's rule (discussion.access.thread_access).
    return get_object_or_404(Theory.objects.select_related("longlist"), slug=slug)


def group_theory(request: HttpRequest, slug: str, theory_slug: str) -> HttpResponse:
    """A theory inside a group: the group's own thread (members only)."""
    thread = thread_access(theory=_theory(theory_slug), group_slug=slug, user=request.user)
    context = {"discussion": thread_context(request, thread=thread)}
    return render(request, "discussion/thread_page.html", context)


def _post(request: AuthedHttpRequest, thread: ThreadAccess) -> HttpResponse:
    if _throttled(request):
        return _too_many()
    # What was typed, shown again beside the errors if the comment is refused.
    form: dict[str, Any] = {
        "body": request.POST.get("body", ""),
        "stance": request.POST.get("stance", ""),
        "parent": request.POST.get("parent", ""),
    }
    parsed = CommentCreateForm(request.POST)
    if not parsed.is_valid():
        form["errors"] = form_messages(parsed)
    else:
        try:
            comment = comment_create(
                author=request.user,
                theory=thread.theory,
                group=thread.group,
                body=parsed.cleaned_data["body"],
                stance=parsed.cleaned_data["stance"],
                parent_id=parsed.cleaned_data["parent"],
            )
        except CommentInvalid as exc:
            form["errors"] = exc.messages
        else:
            # Said at the comment itself (templates/discussion/_comment.html), where the redirect
            # scrolls to, not at the top of the page, off-screen.
            messages.success(request, "Posted.", extra_tags=f"at-comment c-{comment.pk}")
            return redirect(_comment_url(comment))
    context = {"discussion": thread_context(request, thread=thread, form=form)}
    return render(request, "discussion/thread_page.html", context, status=400)


@login_required
@require_POST
def theory_comment(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _post(request, thread_access(theory=_theory(slug), group_slug=None, user=request.user))


@login_required
@require_POST
def group_theory_comment(request: AuthedHttpRequest, slug: str, theory_slug: str) -> HttpResponse:
    thread = thread_access(theory=_theory(theory_slug), group_slug=slug, user=request.user)
    return _post(request, thread)


def _sides(request: HttpRequest, thread: ThreadAccess) -> HttpResponse:
    comments = list(thread_comments(thread=thread, ordering="top")[:THREAD_PAGE_LIMIT])
    shown = _shown(comments, thread=thread, request=request)
    # (comment, what is shown beside it) per side, for templates/discussion/_side_list.html.
    by_stance = {
        stance: [(c, shown[c.pk]) for c in listed]
        for stance, listed in sides(comments=comments).items()
    }
    group_slug = thread.group.slug if thread.group else None
    return render(
        request,
        "discussion/sides.html",
        {
            "thread": thread,
            "for_comments": by_stance["for"],
            "against_comments": by_stance["against"],
            "neutral_comments": by_stance["neutral"],
            "thread_url": thread_url(theory=thread.theory, group_slug=group_slug),
        },
    )


def theory_sides(request: HttpRequest, slug: str) -> HttpResponse:
    return _sides(request, thread_access(theory=_theory(slug), group_slug=None, user=request.user))


def group_theory_sides(request: HttpRequest, slug: str, theory_slug: str) -> HttpResponse:
    thread = thread_access(theory=_theory(theory_slug), group_slug=slug, user=request.user)
    return _sides(request, thread)


def _done(request: HttpRequest, comment: Comment, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_comment_url(comment))


def _refused(request: HttpRequest, comment: Comment, refusals: list[str]) -> HttpResponse:
    for message in refusals:
        messages.error(request, message)
    return redirect(_comment_url(comment))


@login_required
@require_POST
def comment_vote_page(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    if _throttled(request):
        return _too_many()
    comment, _ = comment_access(comment_id=pk, user=request.user)
    parsed = VoteForm(request.POST)
    if not parsed.is_valid():
        return _refused(request, comment, form_messages(parsed))
    value = parsed.cleaned_data["value"]
    try:
        comment_vote(comment=comment, user=request.user, kind=kind, value=value)
    except CommentInvalid as exc:
        return _refused(request, comment, exc.messages)
    return redirect(_comment_url(comment))


@login_required
@require_POST
def comment_retract_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    comment, _ = comment_access(comment_id=pk, user=request.user, need=CommentNeed.AUTHOR)
    retracted = request.POST.get("retracted", "1") != "0"
    try:
        comment_retract(comment=comment, retracted=retracted)
    except CommentInvalid as exc:
        return _refused(request, comment, exc.messages)
    return _done(request, comment, "Retracted." if retracted else "Retraction taken back.")


@login_required
@require_POST
def comment_delete_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    comment, _ = comment_access(
        comment_id=pk, user=request.user, need=CommentNeed.AUTHOR_OR_MODERATOR
    )
    comment_delete(comment=comment)
    return _done(request, comment, "Deleted. Replies stay in place.")


@login_required
@require_POST
def comment_hide_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    comment, _ = comment_access(comment_id=pk, user=request.user, need=CommentNeed.MODERATOR)
    hidden = request.POST.get("hidden", "1") != "0"
    comment_hide(comment=comment, hidden=hidden)
    return _done(request, comment, "Hidden from readers." if hidden else "Shown again.")


@login_required
@require_POST
def comment_report_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    comment, _ = comment_access(comment_id=pk, user=request.user)
    reason = ReportForm(request.POST)
    reason.is_valid()  # a string, whatever was sent: the service judges it
    try:
        comment_report(comment=comment, reporter=request.user, reason=reason.cleaned_data["reason"])
    except CommentInvalid as exc:
        return _refused(request, comment, exc.messages)
    return _done(request, comment, "Reported. Thank you: the moderators will look at it.")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    comment, thread = comment_access(comment_id=pk, user=request.user, need=CommentNeed.AUTHOR)
    if comment.deleted:
        raise Http404("This comment was deleted.")
    form: dict[str, Any] = {"body": comment.body, "stance": comment.stance or ""}
    status = 200
    if request.method == "POST":
        if _throttled(request):
            return _too_many()
        form = {"body": request.POST.get("body", ""), "stance": request.POST.get("stance", "")}
        parsed = CommentForm(request.POST)
        parsed.is_valid()  # strings, whatever was sent: the service judges them
        try:
            comment_edit(
                comment=comment,
                body=parsed.cleaned_data["body"],
                stance=parsed.cleaned_data["stance"],
            )
        except CommentInvalid as exc:
            form["errors"] = exc.messages
            status = 400
        else:
            return _done(request, comment, "Saved. Earlier versions are kept.")
    return render(
        request,
        "discussion/comment_edit.html",
        {"thread": thread, "form": form, "back_url": _comment_url(comment)},
        status=status,
    )


def comment_versions_page(request: HttpRequest, pk: int) -> HttpResponse:
    comment, thread = comment_access(comment_id=pk, user=request.user)
    readable = _shown([comment], thread=thread, request=request)[comment.pk].readable
    versions = comment_versions(comment=comment) if readable else []
    return render(
        request,
        "discussion/comment_versions.html",
        {
            "comment": comment,
            "readable": readable,
            "thread": thread,
            "versions": versions,
            "back_url": _comment_url(comment),
        },
    )


def user_comments(request: HttpRequest, username: str) -> HttpResponse:
    """A person's page: what they have said in public threads."""
    person = get_object_or_404(get_user_model(), username=username)
    comments = list(user_public_comments(user=person, viewer=request.user)[:200])
    return render(
        request, "discussion/user_comments.html", {"person": person, "comments": comments}
    )
