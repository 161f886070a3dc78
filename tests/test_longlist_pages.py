"""The list pages: /lists/ (every visible list with its items, groups and raters), /lists/new/
(paste, upload CSV or XLSX, or copy; a preview; bad lines named and nothing saved), a list's page,
and the group form's list chooser."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from groups.models import DiscussionGroup
from theories.items import ItemText
from theories.models import Longlist, Theory
from theories.services import longlist_create

NEW = "/lists/new/"


def test_pasted_lines_are_previewed_then_created(cast, client) -> None:
    client.force_login(cast.member)
    form = {
        "title": "Agendas",
        "visibility": "public",
        "source": "paste",
        "lines": "Evals \u2014 measure what models can do\n\nControl\n=cmd|' /C calc'!A0",
        "action": "preview",
    }
    page = client.post(NEW, form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preview: 3 items" in html and "measure what models can do" in html
    assert not Longlist.objects.filter(title="Agendas").exists()  # a preview saves nothing
    created = client.post(
        NEW, {**form, "action": "create", "items_json": page.context["items_json"]}
    )
    assert created.status_code == 302
    longlist = Longlist.objects.get(title="Agendas")
    assert created["Location"] == f"/lists/{longlist.slug}/"
    items = list(longlist.items.order_by("number").values_list("number", "title", "summary"))
    assert items == [
        (1, "Evals", "measure what models can do"),
        (2, "Control", ""),
        (3, "=cmd|' /C calc'!A0", ""),  # stored as typed
    ]


def test_a_bad_paste_names_the_line_and_saves_nothing(cast, client) -> None:
    client.force_login(cast.member)
    lines = "Alpha\nBeta\n\nalpha\n" + "x" * 201
    for action in ("preview", "create"):
        page = client.post(
            NEW,
            {
                "title": "Bad",
                "visibility": "public",
                "source": "paste",
                "lines": lines,
                "action": action,
            },
        )
        assert page.status_code == 400
        html = page.content.decode()
        assert "Line 4" in html and "repeats line 1" in html
        assert "Line 5" in html and "over 200 characters" in html
    assert not Longlist.objects.filter(title="Bad").exists()
    one = client.post(
        NEW, {"title": "One", "visibility": "public", "source": "paste", "lines": "Solo"}
    )
    assert one.status_code == 400 and "at least 2" in one.content.decode()


def test_a_csv_or_xlsx_sheet_with_title_and_summary_columns_makes_a_list(cast, client) -> None:
    client.force_login(cast.member)
    sheet = b"Title;Summary\nFirst;One\nSecond;Two\n"
    page = client.post(
        NEW,
        {
            "title": "From CSV",
            "visibility": "private",
            "source": "upload",
            "sheet": SimpleUploadedFile("l.csv", sheet, "text/csv"),
            "action": "preview",
        },
    )
    assert page.status_code == 200 and "Preview: 2 items" in page.content.decode()
    book = Workbook()
    book.active.append(["title", "summary"])
    book.active.append(["Uno", "first"])
    book.active.append(["Dos", None])
    book.active.append(["uno", "again"])
    data = io.BytesIO()
    book.save(data)
    page = client.post(
        NEW,
        {
            "title": "From XLSX",
            "visibility": "public",
            "source": "upload",
            "sheet": SimpleUploadedFile("l.xlsx", data.getvalue()),
            "action": "preview",
        },
    )
    assert page.status_code == 400 and "Line 4" in page.content.decode()
    bad = client.post(
        NEW,
        {
            "title": "No header",
            "visibility": "public",
            "source": "upload",
            "sheet": SimpleUploadedFile("l.csv", b"a,b\nc,d\n", "text/csv"),
        },
    )
    assert bad.status_code == 400 and "title" in bad.content.decode()


def test_a_fork_copies_a_visible_list(cast, client, theories) -> None:
    client.force_login(cast.member)
    page = client.get(f"{NEW}?fork=theories-of-impact")
    assert page.status_code == 200
    form = {"title": "", "visibility": "public", "source": "fork", "fork": "theories-of-impact"}
    preview = client.post(NEW, {**form, "action": "preview"})
    assert "Preview: 20 items" in preview.content.decode()
    done = client.post(
        NEW, {**form, "action": "create", "items_json": preview.context["items_json"]}
    )
    assert done.status_code == 302
    copy = Longlist.objects.get(forked_from__is_default=True)
    assert copy.owner == cast.member and copy.items.count() == 20


def test_the_lists_page_counts_items_groups_and_raters_and_hides_private_lists(
    cast, client, theories
) -> None:
    from tests.factories import rate

    rate(cast.member, {1: 5}, group=cast.public)
    rate(cast.facilitator, {2: 5}, group=cast.public)
    longlist_create(
        user=cast.facilitator,
        title="Hidden agenda",
        visibility="private",
        items=[ItemText(title="a"), ItemText(title="b")],
    )
    page = client.get("/lists/")
    html = page.content.decode()
    assert page.status_code == 200 and "Hidden agenda" not in html
    row = page.context["lists"][0]
    assert row.is_default and row.item_count == 20
    assert row.group_count == 3 and row.rater_count == 2
    client.force_login(cast.facilitator)
    assert "Hidden agenda" in client.get("/lists/").content.decode()


def test_the_owner_adds_an_item_on_the_list_page(cast, client) -> None:
    longlist = longlist_create(
        user=cast.facilitator,
        title="Mine",
        visibility="public",
        items=[ItemText(title="a"), ItemText(title="b")],
    )
    client.force_login(cast.facilitator)
    client.post(f"/lists/{longlist.slug}/items/", {"title": "c", "summary": "third"})
    client.post(f"/lists/{longlist.slug}/items/", {"title": "A"})  # a duplicate: refused
    assert list(longlist.items.order_by("number").values_list("title", flat=True)) == [
        "a",
        "b",
        "c",
    ]
    page = client.get(f"/lists/{longlist.slug}/").content.decode()
    assert "Version 2: added" in page and "Add an item" in page


def test_the_group_form_preselects_the_default_list_and_offers_public_and_own_lists(
    cast, client, make_user
) -> None:
    mine = longlist_create(
        user=cast.member,
        title="Mine",
        visibility="private",
        items=[ItemText(title="a"), ItemText(title="b")],
    )
    theirs = longlist_create(
        user=cast.other_facilitator,
        title="Theirs",
        visibility="private",
        items=[ItemText(title="a"), ItemText(title="b")],
    )
    client.force_login(cast.member)
    form = client.get("/groups/new/").context["form"]
    choices = [slug for slug, _ in form.fields["longlist"].choices]
    assert (
        choices[0] == "theories-of-impact" and mine.slug in choices and theirs.slug not in choices
    )
    assert form.initial["longlist"] == "theories-of-impact"
    refused = client.post(
        "/groups/new/", {"name": "Open", "visibility": "public", "longlist": mine.slug}
    )
    assert refused.status_code == 200 and "private group" in refused.content.decode()
    made = client.post(
        "/groups/new/", {"name": "Closed", "visibility": "private", "longlist": mine.slug}
    )
    assert made.status_code == 302
    assert DiscussionGroup.objects.get(name="Closed").longlist == mine
    assert Theory.objects.filter(longlist=mine).count() == 2


def test_an_items_page_links_back_to_its_list_and_has_no_empty_source_link(cast, client) -> None:
    longlist = longlist_create(
        user=cast.facilitator,
        title="Mine",
        visibility="public",
        items=[ItemText(title="Alpha", summary="First."), ItemText(title="Beta")],
    )
    item = longlist.items.get(number=1)
    html = client.get(f"/theories/{item.slug}/").content.decode()
    assert f'href="/lists/{longlist.slug}/"' in html and "First." in html
    assert "source post" not in html


def test_a_public_lists_page_shows_its_own_global_ranking(cast, client, theories) -> None:
    """Issue 21 item 5: each public list's global ranking (its listed groups, one voice each)
    on the list's page, kept live from its API; a private list's page shows none and stays 404
    to outsiders."""
    from django.test import Client

    from groups.services import group_create, group_listing_decide, group_update
    from rankings.scope import Scope
    from rankings.services import ranking_recompute

    from .factories import rate
    from .test_pages import ranking_rows

    agenda = longlist_create(
        user=cast.facilitator,
        title="Public agenda",
        visibility="public",
        items=[ItemText(title=f"Agenda {i}", summary="") for i in range(1, 4)],
    )
    group = group_create(user=cast.facilitator, name="Listed", visibility="public", longlist=agenda)
    group_update(group=group, results_hidden=False)
    group_listing_decide(group=group, listed=True)
    rate(cast.facilitator, {1: 4, 2: 9}, group=group)
    ranking_recompute(scope=Scope.group(group.pk), force=True)
    ranking_recompute(scope=Scope.longlist(agenda.pk), force=True)
    page = Client().get(f"/lists/{agenda.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-rankings-url="/api/v1/longlists/{agenda.slug}/rankings/"' in html
    assert "js/rankings.js" in html
    rows = ranking_rows(page)
    assert [row[1] for row in rows] == ["2. Agenda 2", "1. Agenda 1", "3. Agenda 3"]
    assert rows[0][2] == "1"  # n: the one rater behind it
    secret = longlist_create(
        user=cast.facilitator,
        title="Secret agenda",
        visibility="private",
        items=[ItemText(title="a", summary=""), ItemText(title="b", summary="")],
    )
    client.force_login(cast.facilitator)
    own = client.get(f"/lists/{secret.slug}/").content.decode()
    assert "ranking-table" not in own and "Secret agenda" in own
    assert Client().get(f"/lists/{secret.slug}/").status_code == 404
