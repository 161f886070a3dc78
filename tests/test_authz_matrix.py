"""Issue 7: who may do what, everywhere. Every endpoint and page × {anonymous, non-member,
member, facilitator, facilitator of another group, staff} × {public group, private group}, with
the exact status code the contract names. A route without a row here fails the test."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.services import token_for

# Who may do what does not depend on the database backend: run once, in the PostgreSQL pass.
pytestmark = [pytest.mark.backend_agnostic]

ROLES = ["anonymous", "outsider", "member", "facilitator", "other_facilitator", "staff"]


@dataclass
class Ctx:
    cast: Any
    group: Any
    theory: Any
    staff: Any
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    public: dict[str, int]  # role -> status, for the public group
    private: dict[str, int] | None = None  # None: not group-scoped (one expectation)
    kwargs: Callable[[Ctx], dict[str, Any]] = lambda ctx: {}
    body: Callable[[Ctx, str], Any] = lambda ctx, role: None
    api: bool = True  # token auth (API) or a logged-in session (pages)
    query: Callable[[Ctx], str] = lambda ctx: ""


def same(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def codes(anonymous: int, outsider: int, member: int, facilitator: int, other: int, staff: int):
    return dict(zip(ROLES, [anonymous, outsider, member, facilitator, other, staff], strict=True))


slug = lambda ctx: {"slug": ctx.group.slug}  # noqa: E731
pk = lambda ctx: {"pk": ctx.theory.pk}  # noqa: E731
rating_body = lambda ctx, role: {"ratings": [{"theory": ctx.theory.pk, "score": 6}]}  # noqa: E731

MATRIX: list[Row] = [
    # --- API: auth, theories, service --------------------------------------------------------
    Row("api-register", "post", same(201),
        body=lambda ctx, role: {"username": f"new-{role}", "password": "a long passphrase 42"}),
    Row("api-token", "post", codes(400, 200, 200, 200, 200, 200),
        body=lambda ctx, role: {"username": getattr(ctx.cast, role).username if role in
                                ("outsider", "member", "facilitator", "other_facilitator") else
                                (ctx.staff.username if role == "staff" else "nobody"),
                                "password": "correct horse battery staple"}),
    # Revokes the caller's own token (staff included); anonymous has none.
    Row("api-token-revoke", "post", codes(401, 204, 204, 204, 204, 204)),
    Row("theory-list", "get", same(200)),
    Row("theory-detail", "get", same(200), kwargs=pk),
    Row("api-theory-distribution", "get", same(200), kwargs=pk),
    Row("api-rankings", "get", same(200)),
    Row("api-schema", "get", same(200)),
    Row("api-docs", "get", same(200)),
    # --- API: groups ----------------------------------------------------------------------------
    Row("group-list", "get", same(200)),
    Row("group-list", "post", codes(401, 201, 201, 201, 201, 201),
        body=lambda ctx, role: {"name": f"Made by {role}", "visibility": "public"}),
    Row("group-detail", "get", same(200), codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    Row("group-detail", "patch", codes(401, 403, 403, 200, 403, 403),
        codes(401, 404, 403, 200, 404, 404), kwargs=slug,
        body=lambda ctx, role: {"description": "changed"}),
    Row("group-join", "post", codes(401, 200, 200, 200, 200, 200),
        codes(401, 404, 200, 200, 404, 404), kwargs=slug, body=lambda ctx, role: {}),
    Row("group-leave", "post", codes(401, 204, 204, 409, 204, 204),
        codes(401, 404, 204, 409, 404, 404), kwargs=slug),
    Row("group-members", "get", codes(401, 403, 200, 200, 403, 403),
        codes(401, 404, 200, 200, 404, 404), kwargs=slug),
    Row("api-member-role", "patch", codes(401, 403, 403, 200, 403, 403),
        codes(401, 404, 403, 200, 404, 404),
        kwargs=lambda ctx: {"slug": ctx.group.slug, "username": ctx.cast.member.username},
        body=lambda ctx, role: {"role": "facilitator"}),
    Row("api-ratings-mine", "get", codes(401, 403, 200, 200, 403, 403),
        codes(401, 404, 200, 200, 404, 404), kwargs=slug),
    Row("api-ratings-mine", "put", codes(401, 403, 200, 200, 403, 403),
        codes(401, 404, 200, 200, 404, 404), kwargs=slug, body=rating_body),
    Row("api-group-rankings", "get", same(200), codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    Row("api-group-compare", "get", same(200), codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    # --- API: figures (issue 14), read rules as for what they draw ----------------------------
    Row("api-group-ranking-figures", "get", same(200), codes(404, 404, 200, 200, 404, 404),
        kwargs=slug),
    Row("api-group-compare-figure", "get", same(200), codes(404, 404, 200, 200, 404, 404),
        kwargs=slug),
    Row("api-ranking-figures", "get", same(200)),
    Row("api-theory-distribution-figure", "get", same(200), kwargs=pk),
    # --- pages ----------------------------------------------------------------------------------
    Row("home", "get", same(200), api=False),
    Row("health", "get", same(200), api=False),
    Row("methods", "get", same(200), api=False),
    Row("theory_list", "get", same(200), api=False),
    Row("theory_detail", "get", same(200), api=False,
        kwargs=lambda ctx: {"slug": ctx.theory.slug}),
    Row("signup", "get", same(200), api=False),
    Row("login", "get", same(200), api=False),
    Row("logout", "post", same(302), api=False),
    Row("api_token", "get", codes(302, 200, 200, 200, 200, 200), api=False),
    Row("api_token", "post", same(302), api=False),
    Row("group_list", "get", same(200), api=False),
    Row("group_new", "get", codes(302, 200, 200, 200, 200, 200), api=False),
    Row("group_detail", "get", same(200), codes(404, 404, 200, 200, 404, 404), api=False,
        kwargs=slug),
    # Save as you go (static/js/rate.js): the rate page's own rows, posted as the form posts them.
    Row("group_rate_save", "post", codes(302, 403, 200, 200, 403, 403),
        codes(302, 404, 200, 200, 404, 404), api=False, kwargs=slug,
        body=lambda ctx, role: {"rows": str(ctx.theory.pk), f"score_{ctx.theory.pk}": "6"}),
    Row("group_rate", "get", codes(302, 403, 200, 200, 403, 403),
        codes(302, 404, 200, 200, 404, 404), api=False, kwargs=slug),
    Row("group_members", "get", codes(302, 403, 200, 200, 403, 403),
        codes(302, 404, 200, 200, 404, 404), api=False, kwargs=slug),
    Row("group_join", "post", codes(302, 302, 302, 302, 302, 302),
        codes(302, 404, 302, 302, 404, 404), api=False, kwargs=slug),
    Row("group_leave", "post", codes(302, 403, 302, 302, 403, 403),
        codes(302, 404, 302, 302, 404, 404), api=False, kwargs=slug),
    Row("group_ratings_open", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False, kwargs=slug,
        body=lambda ctx, role: {"open": "0"}),
    Row("group_results_hidden", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False, kwargs=slug,
        body=lambda ctx, role: {"hidden": "0"}),
    # The invite link carries the join code: with it, anyone sees the group's name and the ways
    # in (issue 15: anonymous visitors too, with "join with a name" where guests are allowed);
    # a logged-in reader joins with the button (POST). An anonymous POST is a guest join: the
    # public group takes no guests (403); the private one does, and a blank name is a 400.
    Row("group_invite", "get", same(200), api=False,
        private=same(200),
        kwargs=lambda ctx: {"slug": ctx.group.slug, "code": ctx.group.join_code}),
    Row("group_invite", "post", codes(403, 302, 302, 302, 302, 302), api=False,
        private=codes(400, 302, 302, 302, 302, 302),
        kwargs=lambda ctx: {"slug": ctx.group.slug, "code": ctx.group.join_code}),
    # The groups page's "have an invite code?" field: the code leads to its invite page.
    Row("group_invite_code", "get", same(302), api=False,
        query=lambda ctx: f"?code={ctx.group.join_code}"),
    # Removing a guest: facilitators only (an unknown guest: back to the members page).
    Row("group_guest_remove", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False,
        kwargs=lambda ctx: {"slug": ctx.group.slug, "participant_id": 999999}),
    # Joining with just a name needs only the invitation (nobody is authenticated there): the
    # public group takes no guests (403), the private one does (201).
    Row("api-group-guests", "post", same(403), same(201), kwargs=slug,
        body=lambda ctx, role: {"join_code": ctx.group.join_code, "name": f"Guest of {role}"}),
]  # fmt: skip

# The group thread's comment by the facilitator (author), and one by a plain member.
cmt = lambda ctx: {"pk": ctx.extra["comment"].pk}  # noqa: E731
member_cmt = lambda ctx: {"pk": ctx.extra["member_comment"].pk}  # noqa: E731
theory_slugs = lambda ctx: {"slug": ctx.group.slug, "theory_slug": ctx.theory.slug}  # noqa: E731
in_group = lambda ctx: f"?group={ctx.group.slug}"  # noqa: E731
READ = (codes(403, 403, 200, 200, 403, 403), codes(404, 404, 200, 200, 404, 404))
PAGE_READ = READ
AUTHOR_ONLY = (codes(401, 403, 403, 200, 403, 403), codes(401, 404, 403, 200, 404, 404))
MEMBER_WRITE = (codes(401, 403, 200, 200, 403, 403), codes(401, 404, 200, 200, 404, 404))
# Voting on the facilitator's comment: members may, its author may not (400 on `value`).
VOTE = (codes(401, 403, 200, 400, 403, 403), codes(401, 404, 200, 400, 404, 404))
PAGE_AUTHOR = (codes(302, 403, 403, 302, 403, 403), codes(302, 404, 403, 302, 404, 404))
PAGE_MEMBER = (codes(302, 403, 302, 302, 403, 403), codes(302, 404, 302, 302, 404, 404))
FACILITATOR_PAGE = (codes(302, 403, 403, 200, 403, 403), codes(302, 404, 403, 200, 404, 404))
CSV = (same(200), codes(404, 404, 200, 200, 404, 404))

MATRIX += [
    # --- discussion API -------------------------------------------------------------------------
    Row("api-theory-comments", "get", same(200), kwargs=pk),  # the public thread
    Row("api-theory-comments", "get", *READ, kwargs=pk, query=in_group),
    Row("api-theory-comments", "post", codes(401, 403, 201, 201, 403, 403),
        codes(401, 404, 201, 201, 404, 404), kwargs=pk,
        body=lambda ctx, role: {"body": "An argument.", "group": ctx.group.slug, "stance": "for"}),
    Row("api-comment-preview", "post", codes(401, 200, 200, 200, 200, 200),
        body=lambda ctx, role: {"body": "*emphasis*"}),
    Row("api-comment", "get", *READ, kwargs=cmt),
    Row("api-comment", "patch", *AUTHOR_ONLY, kwargs=cmt, body=lambda ctx, role: {"body": "Edited."}),
    Row("api-comment", "delete", codes(401, 403, 403, 204, 403, 403),
        codes(401, 404, 403, 204, 404, 404), kwargs=cmt),
    # A facilitator deletes a member's comment in their own group; nobody else but its author.
    Row("api-comment", "delete", codes(401, 403, 204, 204, 403, 403),
        codes(401, 404, 204, 204, 404, 404), kwargs=member_cmt),
    Row("api-comment-retract", "post", *AUTHOR_ONLY, kwargs=cmt),
    Row("api-comment-unretract", "post", *AUTHOR_ONLY, kwargs=cmt),
    Row("api-comment-vote", "post", *VOTE, kwargs=cmt, body=lambda ctx, role: {"value": 1}),
    Row("api-comment-agree", "post", *VOTE, kwargs=cmt, body=lambda ctx, role: {"value": -1}),
    Row("api-comment-hide", "post", *AUTHOR_ONLY, kwargs=member_cmt, body=lambda ctx, role: {}),
    Row("api-comment-report", "post", codes(401, 403, 201, 201, 403, 403),
        codes(401, 404, 201, 201, 404, 404), kwargs=cmt,
        body=lambda ctx, role: {"reason": "off topic"}),
    Row("api-comment-versions", "get", *READ, kwargs=cmt),
    # --- CSV export and import API --------------------------------------------------------------
    Row("api-export-ratings", "get", *CSV, kwargs=slug),
    Row("api-export-rankings", "get", *CSV, kwargs=slug),
    # The group's thread: its read rule (members only), as the thread API (issue 16 item 6).
    Row("api-export-comments", "get", *READ, kwargs=slug),
    Row("api-export-changes", "get", *CSV, kwargs=slug),
    Row("api-group-import", "post", codes(401, 403, 403, 400, 403, 403),
        codes(401, 404, 403, 400, 404, 404), kwargs=slug),
    Row("api-group-import-job", "get", codes(401, 403, 403, 404, 403, 403),
        codes(401, 404, 403, 404, 404, 404),
        kwargs=lambda ctx: {"slug": ctx.group.slug, "job_id": 999999}),
    # --- discussion pages -----------------------------------------------------------------------
    Row("theory_sides", "get", same(200), api=False, kwargs=lambda ctx: {"slug": ctx.theory.slug}),
    Row("theory_comment", "post", same(302), api=False,
        kwargs=lambda ctx: {"slug": ctx.theory.slug}, body=lambda ctx, role: {"body": "Hello."}),
    Row("group_theory", "get", *PAGE_READ, api=False, kwargs=theory_slugs),
    Row("group_theory_sides", "get", *PAGE_READ, api=False, kwargs=theory_slugs),
    Row("group_theory_comment", "post", *PAGE_MEMBER, api=False, kwargs=theory_slugs,
        body=lambda ctx, role: {"body": "Hello."}),
    Row("comment_vote", "post", *PAGE_MEMBER, api=False, kwargs=cmt,
        body=lambda ctx, role: {"value": "1"}),
    Row("comment_agree", "post", *PAGE_MEMBER, api=False, kwargs=cmt,
        body=lambda ctx, role: {"value": "1"}),
    Row("comment_report", "post", *PAGE_MEMBER, api=False, kwargs=cmt,
        body=lambda ctx, role: {"reason": "spam"}),
    Row("comment_retract", "post", *PAGE_AUTHOR, api=False, kwargs=cmt),
    Row("comment_delete", "post", *PAGE_AUTHOR, api=False, kwargs=cmt),
    Row("comment_hide", "post", *PAGE_AUTHOR, api=False, kwargs=member_cmt),
    Row("comment_edit", "get", *FACILITATOR_PAGE, api=False, kwargs=cmt),
    Row("comment_versions", "get", *PAGE_READ, api=False, kwargs=cmt),
    Row("discussion_user", "get", same(200), api=False,
        kwargs=lambda ctx: {"username": ctx.cast.member.username}),
    # --- import pages ---------------------------------------------------------------------------
    Row("group_import", "get", *FACILITATOR_PAGE, api=False, kwargs=slug),
    Row("group_import_job", "get", codes(302, 403, 403, 404, 403, 403),
        codes(302, 404, 403, 404, 404, 404), api=False,
        kwargs=lambda ctx: {"slug": ctx.group.slug, "job_id": 999999}),
]  # fmt: skip

MATRIX += [
    # --- rounds and changes of mind (issue 12) ----------------------------------------------------
    Row("api-rounds", "get", same(200), codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    Row("api-rounds", "post", codes(401, 403, 403, 201, 403, 403),
        codes(401, 404, 403, 201, 404, 404), kwargs=slug),
    Row("api-changes", "get", same(200), codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    Row("api-ratings-history", "get", codes(401, 403, 200, 200, 403, 403),
        codes(401, 404, 200, 200, 404, 404), kwargs=slug),
    Row("group_changes", "get", same(200), codes(404, 404, 200, 200, 404, 404), api=False,
        kwargs=slug),
    Row("group_me", "get", codes(302, 403, 200, 200, 403, 403),
        codes(302, 404, 200, 200, 404, 404), api=False, kwargs=slug),
    Row("group_round_open", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False, kwargs=slug),
]  # fmt: skip

MATRIX += [
    # --- the global ranking's listing (issue 16 item 1) -------------------------------------------
    # A facilitator asks (the page redirects back with a message; a private group is refused
    # with a message too); staff decide in the queue, which answers 404 to everyone else.
    Row("group_listing", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False, kwargs=slug),
    Row("listing_queue", "get", codes(302, 404, 404, 404, 404, 200), api=False),
    Row("listing_queue", "post", codes(302, 404, 404, 404, 404, 302), api=False,
        body=lambda ctx, role: {"slug": ctx.cast.public.slug, "decision": "refuse"}),
    Row("group-detail", "patch", codes(401, 403, 403, 200, 403, 403),
        codes(401, 404, 403, 400, 404, 404), kwargs=slug,
        body=lambda ctx, role: {"listing": "requested"}),
]  # fmt: skip

FACILITATOR_POST = (codes(302, 403, 403, 302, 403, 403), codes(302, 404, 403, 302, 404, 404))
FACILITATOR_API = (codes(401, 403, 403, 200, 403, 403), codes(401, 404, 403, 200, 404, 404))

MATRIX += [
    # --- running a group (issue 15) ---------------------------------------------------------------
    Row("api-invite-rotate", "post", *FACILITATOR_API, kwargs=slug),
    Row("group-detail", "delete", codes(401, 403, 403, 204, 403, 403),
        codes(401, 404, 403, 204, 404, 404), kwargs=slug),
    Row("group_facilitate", "get", *FACILITATOR_PAGE, api=False, kwargs=slug),
    # Issue 20: the projector is the facilitator's (it names who has not rated yet); the live
    # progress is the members' (counts), with names for facilitators only.
    Row("group_present", "get", *FACILITATOR_PAGE, api=False, kwargs=slug),
    Row("api-group-present", "get", codes(401, 403, 403, 200, 403, 403),
        codes(404, 404, 403, 200, 404, 404), kwargs=slug),
    Row("api-group-progress", "get", codes(401, 403, 200, 200, 403, 403),
        codes(404, 404, 200, 200, 404, 404), kwargs=slug),
    Row("group_facilitate", "post", *FACILITATOR_POST, api=False, kwargs=slug,
        body=lambda ctx, role: {"name": "Renamed", "visibility": "private", "ratings_open": "on"}),
    Row("group_invite_rotate", "post", *FACILITATOR_POST, api=False, kwargs=slug),
    Row("group_member_remove", "post", *FACILITATOR_POST, api=False, kwargs=slug,
        body=lambda ctx, role: {"username": ctx.cast.member.username}),
    # Issue 23: approving or declining a newcomer (nobody is waiting: the facilitator is told).
    Row("group_newcomer_decide", "post", *FACILITATOR_POST, api=False, kwargs=slug,
        body=lambda ctx, role: {"username": ctx.cast.outsider.username, "decision": "approve"}),
    Row("group_delete", "get", *FACILITATOR_PAGE, api=False, kwargs=slug),
    Row("group_delete", "post", *FACILITATOR_POST, api=False, kwargs=slug,
        # The existence-oracle test passes a stand-in with a slug only for the missing group.
        body=lambda ctx, role: {"confirm_name": getattr(ctx.group, "name", "no such group")}),
]  # fmt: skip

LOGGED_IN_PAGE = codes(302, 200, 200, 200, 200, 200)


def email_link(ctx: Ctx) -> str:
    """A genuine confirmation token (as mailed) adding an address to the outsider's account."""
    from django.core import signing

    from accounts.services import EMAIL_CONFIRM_SALT

    payload = {"u": ctx.cast.outsider.pk, "e": "otto-new@example.org", "c": ctx.cast.outsider.email}
    return signing.dumps(payload, salt=EMAIL_CONFIRM_SALT, compress=True)


MATRIX += [
    # --- the account's own pages (issue 15) ------------------------------------------------------
    Row("profile", "get", LOGGED_IN_PAGE, api=False),
    Row("profile", "post", codes(302, 302, 302, 302, 302, 302), api=False,
        body=lambda ctx, role: {"email": ""}),
    Row("profile_data", "get", LOGGED_IN_PAGE, api=False),
    Row("for_you", "get", LOGGED_IN_PAGE, api=False),
    Row("profile_delete", "get", LOGGED_IN_PAGE, api=False),
    # A wrong password deletes nothing, for anyone.
    Row("profile_delete", "post", codes(302, 400, 400, 400, 400, 400), api=False,
        body=lambda ctx, role: {"ratings": "remove", "password": "not it"}),
    Row("password_change", "get", LOGGED_IN_PAGE, api=False),
    Row("password_change_done", "get", LOGGED_IN_PAGE, api=False),
    Row("password_reset", "get", same(200), api=False),
    Row("password_reset", "post", same(302), api=False,
        body=lambda ctx, role: {"email": "nobody@example.org"}),
    Row("password_reset_done", "get", same(200), api=False),
    Row("password_reset_confirm", "get", same(200), api=False,
        kwargs=lambda ctx: {"uidb64": "MQ", "token": "wrong-token"}),
    Row("password_reset_complete", "get", same(200), api=False),
    # The link that adds an e-mail address (issue 23): anyone who has it reads what it would do
    # (the link is the proof: no sign-in); a forged one is refused for everyone.
    Row("email_confirm", "get", same(200), api=False, kwargs=lambda ctx: {"token": email_link(ctx)}),
    Row("email_confirm", "post", same(400), api=False, kwargs=lambda ctx: {"token": "forged"}),
]  # fmt: skip

# --- longlists (issue 21) ----------------------------------------------------------------------------
# ctx.extra["list"]: a public list of the facilitator's (no group), or for the "private" column a
# private list of the facilitator's that a private group rates, with the member in that group.
# The default list is changed by staff only.
lst = lambda ctx: {"slug": ctx.extra["list"].slug}  # noqa: E731
item_pk = lambda ctx: {"pk": ctx.extra["item"].pk}  # noqa: E731
item_slug = lambda ctx: {"slug": ctx.extra["item"].slug}  # noqa: E731
default_list = lambda ctx: {"slug": "theories-of-impact"}  # noqa: E731
LIST_READ = (same(200), codes(404, 404, 200, 200, 404, 404))
LOGGED_IN_LIST_PAGE = codes(302, 200, 200, 200, 200, 200)
OWNER_ONLY = (codes(401, 403, 403, 200, 403, 403), codes(401, 404, 403, 200, 404, 404))
OWNER_ADDS = (codes(401, 403, 403, 201, 403, 403), codes(401, 404, 403, 201, 404, 404))
new_list = lambda ctx, role: {  # noqa: E731
    "title": f"List of {role}",
    "visibility": "public",
    "items": [{"title": "One"}, {"title": "Two"}],
}

MATRIX += [
    Row("longlist-list", "get", same(200)),
    Row("longlist-list", "post", codes(401, 201, 201, 201, 201, 201), body=new_list),
    Row("longlist-list", "post", codes(401, 404, 201, 201, 404, 404),
        body=lambda ctx, role: {"fork": ctx.extra["private_list"].slug}),
    Row("longlist-detail", "get", *LIST_READ, kwargs=lst),
    Row("longlist-detail", "patch", *OWNER_ONLY, kwargs=lst,
        body=lambda ctx, role: {"description": "changed"}),
    Row("longlist-items", "post", *OWNER_ADDS, kwargs=lst,
        body=lambda ctx, role: {"title": f"Added by {role}"}),
    Row("longlist-changes", "get", *LIST_READ, kwargs=lst),
    Row("api-longlist-rankings", "get", *LIST_READ, kwargs=lst),
    Row("api-longlist-rankings", "get", same(200), kwargs=default_list),
    Row("longlist-detail", "patch", codes(401, 403, 403, 403, 403, 200), kwargs=default_list,
        body=lambda ctx, role: {"description": "The twenty."}),
    Row("longlist-items", "post", codes(401, 403, 403, 403, 403, 201), kwargs=default_list,
        body=lambda ctx, role: {"title": "A twenty-first"}),
    # An item of a private list, at every door it has.
    Row("theory-detail", "get", *LIST_READ, kwargs=item_pk),
    Row("api-theory-comments", "get", *LIST_READ, kwargs=item_pk),
    Row("api-theory-distribution", "get", *LIST_READ, kwargs=item_pk),
    Row("api-theory-distribution-figure", "get", *LIST_READ, kwargs=item_pk),
    Row("theory_detail", "get", *LIST_READ, api=False, kwargs=item_slug),
    Row("theory_sides", "get", *LIST_READ, api=False, kwargs=item_slug),
    # --- the list pages -----------------------------------------------------------------------
    Row("list_index", "get", same(200), api=False),
    Row("list_new", "get", LOGGED_IN_LIST_PAGE, api=False),
    Row("list_new", "post", LOGGED_IN_LIST_PAGE, api=False,
        body=lambda ctx, role: {"title": "Mine", "visibility": "public", "source": "paste",
                                "lines": "One\nTwo", "action": "preview"}),
    Row("list_detail", "get", *LIST_READ, api=False, kwargs=lst),
    Row("list_item_add", "post", codes(302, 403, 403, 302, 403, 403),
        codes(302, 404, 403, 302, 404, 404), api=False, kwargs=lst,
        body=lambda ctx, role: {"title": f"Added by {role}"}),
]  # fmt: skip

# --- proposals (issue 22 item 1) ---------------------------------------------------------------------
# Both lists of list_extra take moderated proposals, and hold one pending proposal by the member.
proposal = lambda ctx: {"slug": ctx.extra["list"].slug, "proposal_id": ctx.extra["proposal"].pk}  # noqa: E731
proposed = lambda ctx, role: {"title": f"Proposed by {role}", "why": "It is missing."}  # noqa: E731
OWNER_PAGE_POST = (codes(302, 403, 403, 302, 403, 403), codes(302, 404, 403, 302, 404, 404))
MATRIX += [
    Row("longlist-proposals", "get", *LIST_READ, kwargs=lst),
    Row("longlist-proposals", "post", codes(401, 201, 201, 201, 201, 201),
        codes(401, 404, 201, 201, 404, 404), kwargs=lst, body=proposed),
    # The default list takes no proposals: 403 to everyone signed in.
    Row("longlist-proposals", "post", codes(401, 403, 403, 403, 403, 403), kwargs=default_list,
        body=proposed),
    Row("longlist-proposal-decide", "post", *OWNER_ONLY, kwargs=proposal,
        body=lambda ctx, role: {"decision": "reject", "reason": "Covered by item 1."}),
    Row("list_proposals", "get", *LIST_READ, api=False, kwargs=lst),
    Row("list_propose", "post", same(302), codes(302, 404, 302, 302, 404, 404), api=False,
        kwargs=lst, body=proposed),
    Row("list_propose", "post", codes(302, 403, 403, 403, 403, 403), api=False,
        kwargs=default_list, body=proposed),
    Row("list_proposal_decide", "post", *OWNER_PAGE_POST, api=False, kwargs=proposal,
        body=lambda ctx, role: {"decision": "accept"}),
    Row("list_similar", "get", codes(302, 200, 200, 200, 200, 200),
        codes(302, 404, 200, 200, 404, 404), api=False, kwargs=lst, query=lambda ctx: "?q=item"),
    Row("list_settings", "post", *OWNER_PAGE_POST, api=False, kwargs=lst,
        body=lambda ctx, role: {"proposals": "open"}),
]  # fmt: skip

# --- rewording and retiring (issue 22 item 2) -------------------------------------------------------
list_item = lambda ctx: {"slug": ctx.extra["list"].slug, "item_id": ctx.extra["item"].pk}  # noqa: E731
MATRIX += [
    Row("longlist-item-detail", "patch", *OWNER_ONLY, kwargs=list_item,
        body=lambda ctx, role: {"title": f"Reworded by {role}"}),
    Row("longlist-item-detail", "patch", codes(401, 403, 403, 403, 403, 200),
        kwargs=lambda ctx: {"slug": "theories-of-impact", "item_id": ctx.theory.pk},
        body=lambda ctx, role: {"summary": "Reworded by staff."}),
    Row("list_item_edit", "get", codes(302, 403, 403, 200, 403, 403),
        codes(302, 404, 403, 200, 404, 404), api=False, kwargs=list_item),
    Row("list_item_edit", "post", *OWNER_PAGE_POST, api=False, kwargs=list_item,
        body=lambda ctx, role: {"action": "retire"}),
]  # fmt: skip

# The live rankings' events streams (live/, issue 24): whoever may GET the ranking may listen to
# it, and a refusal is the GET's own. They exist where Redis carries the changes (not in the
# embedded default, where tests/test_live_events.py checks that no route is there). A case reads
# the status only: under the test Client a stream that would open is a 200 whose body is never
# read, so no case waits on one (tests/test_live_events.py reads them, from uvicorn). The view
# leaves the world's transaction open: it closes only connections outside an atomic block.
if settings.LIVE_EVENTS:
    MATRIX += [
        Row("live-group-events", "get", same(200), codes(404, 404, 200, 200, 404, 404),
            kwargs=slug),
        Row("live-ranking-events", "get", same(200)),
        Row("live-longlist-events", "get", *LIST_READ, kwargs=lst),
        Row("live-longlist-events", "get", same(200), kwargs=default_list),
    ]  # fmt: skip


def list_extra(cast: Any, visibility: str) -> dict[str, Any]:
    """The lists of the longlist rows: see above."""
    from groups.services import group_create, membership_join
    from theories.items import ItemText
    from theories.proposals import proposal_create
    from theories.services import longlist_create, longlist_update

    made = {}
    for kind in ("public", "private"):
        made[kind] = longlist_create(
            user=cast.facilitator,
            title=f"A {kind} list",
            visibility=kind,
            items=[ItemText(title=f"{kind} item {i}") for i in (1, 2, 3)],
        )
        longlist_update(longlist=made[kind], proposals="moderated")
    room = group_create(
        user=cast.facilitator, name="List circle", visibility="private", longlist=made["private"]
    )
    membership_join(group=room, user=cast.member, via_invite=True)
    chosen = made[visibility]
    pending, _ = proposal_create(longlist=chosen, user=cast.member, title="A missing item")
    return {
        "list": chosen,
        "item": chosen.items.first(),
        "private_list": made["private"],
        "proposal": pending,
    }


# Routes deliberately outside the matrix, with the test that covers them.
EXEMPT = {
    "api-root": "DRF's browsable index of the router",
    "admin": "staff only: tests/test_security.py::test_the_admin_is_for_staff_only",
}


def route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_route_has_a_row_in_the_matrix() -> None:
    covered = {row.name for row in MATRIX} | set(EXEMPT)
    missing = sorted(route_names() - covered)
    assert not missing, f"routes with no authorisation row: {missing}"


CASES = [
    pytest.param(row, role, visibility, id=f"{row.method}-{row.name}-{visibility}-{role}")
    for row in MATRIX
    for visibility in (["public", "private"] if row.private is not None else ["public"])
    for role in ROLES
]


class TestTheMatrix:
    """Every route, every role, both kinds of group: the status code is exactly the contract's."""

    @pytest.mark.parametrize(("row", "role", "visibility"), CASES)
    def test_the_status_code_is_exactly_the_contracts(
        self, row: Row, role: str, visibility: str, matrix_world: dict[str, Ctx], db: None
    ) -> None:
        ctx = matrix_world[visibility]
        cast, staff = ctx.cast, ctx.staff
        user = {"anonymous": None, "staff": staff}.get(role) or (
            getattr(cast, role) if role not in ("anonymous", "staff") else None
        )
        url = reverse(row.name, kwargs=row.kwargs(ctx)) + row.query(ctx)
        body = row.body(ctx, role)
        if row.api:
            client: Any = APIClient()
            if user is not None:
                client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user=user)}")
            response = getattr(client, row.method)(url, body, format="json")
        else:
            client = Client()
            if user is not None:
                client.force_login(user)
            response = getattr(client, row.method)(url, body or {})
        expected = (row.private if visibility == "private" else row.public)[role]
        assert response.status_code == expected, (
            f"{row.method.upper()} {url} as {role}: {response.status_code}, expected {expected}"
        )


# --- the guest role (issue 15) ----------------------------------------------------------------------
# A guest of the private group, by its API token and by its page cookie: member access to its own
# group, and nothing anywhere else (token: 401; cookie: ignored, so anonymous).

GUEST_API = [
    ("api-ratings-mine", "get", 200, 401),
    ("api-ratings-mine", "put", 200, 401),
    ("group-detail", "get", 200, 401),
    ("api-ratings-history", "get", 200, 401),
    ("api-group-rankings", "get", 200, 401),
    ("group-members", "get", 200, 401),
    ("api-member-role", "patch", 403, 401),
]
if settings.LIVE_EVENTS:
    GUEST_API.append(("live-group-events", "get", 200, 401))
GUEST_PAGES = [
    ("group_rate", "get", 200, 302),
    ("group_rate_save", "post", 400, 302),  # its own group's view (no rows named: 400)
    ("group_detail", "get", 200, 200),
    ("group_members", "get", 200, 302),
    ("group_me", "get", 200, 302),
    ("group_ratings_open", "post", 403, 302),
]


def _guest(cast):
    from groups.services.guests import guest_join

    return guest_join(group=cast.private, name="Gwen")


@pytest.mark.parametrize(("name", "method", "own", "elsewhere"), GUEST_API)
def test_a_guest_token_is_a_member_of_its_group_and_401_elsewhere(
    name: str, method: str, own: int, elsewhere: int, cast, theories
) -> None:
    guest = _guest(cast)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {guest.key}")
    body = {"ratings": [{"theory": theories[0].pk, "score": 6}], "role": "facilitator"}
    for group, expected in ((cast.private, own), (cast.public, elsewhere)):
        kwargs = {"slug": group.slug}
        if name == "api-member-role":
            kwargs["username"] = cast.member.username
        response = getattr(client, method)(reverse(name, kwargs=kwargs), body, format="json")
        assert response.status_code == expected, (name, method, group.slug, response.content)


@pytest.mark.parametrize(("name", "method", "own", "elsewhere"), GUEST_PAGES)
def test_a_guest_cookie_is_a_member_of_its_group_and_ignored_elsewhere(
    name: str, method: str, own: int, elsewhere: int, cast
) -> None:
    from groups.guest_auth import COOKIE_NAME, guest_cookie_value

    guest = _guest(cast)
    client = Client()
    client.cookies[COOKIE_NAME] = guest_cookie_value(guest)
    for group, expected in ((cast.private, own), (cast.public, elsewhere)):
        response = getattr(client, method)(reverse(name, kwargs={"slug": group.slug}))
        assert response.status_code == expected, (name, method, group.slug)
