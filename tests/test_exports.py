"""CSV exports: the contract's shape, streaming, formula safety, anonymising, and who may read."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import NotSupportedError
from django.http import StreamingHttpResponse

from accounts.services import user_create
from exports import csvio, selectors
from exports.csvio import (
    BOM,
    IsoFormat,
    cell_safe,
    sql_cell_safe,
    sql_csv_line,
    sql_csv_number,
    sql_csv_text,
)
from groups.models import Participant
from groups.services import group_update
from rankings.scope import Scope
from rankings.services import ranking_recompute
from ratings.models import Rating
from ratings.services import RatingItem, rating_submission_create
from theories.models import Theory

from .conftest import PASSWORD
from .factories import rate

DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline="")))


def url(group, what: str = "ratings") -> str:
    return f"/api/v1/groups/{group.slug}/export/{what}.csv"


# --- the contract ---------------------------------------------------------------------------------


def test_the_wide_export_has_one_row_per_rater_and_a_column_per_theory(cast, api, theories) -> None:
    rate(cast.facilitator, {theories[0]: 8, theories[2]: 3}, group=cast.public)
    rate(cast.member, {theories[19]: 10}, group=cast.public)
    rows = rows_of(api().get(url(cast.public)))
    assert rows[0] == ["rater"] + [str(n) for n in range(1, 21)]
    assert rows[1] == ["fay", "8", "", "3"] + [""] * 17
    assert rows[2] == ["mo"] + [""] * 19 + ["10"]
    assert len(rows) == 3


def test_a_member_who_never_rated_has_no_row(cast, api, theories) -> None:
    rate(cast.member, {theories[0]: 5}, group=cast.public)
    rows = rows_of(api().get(url(cast.public)))
    assert [r[0] for r in rows[1:]] == ["mo"]  # fay is a participant (the creator) but no rater


def test_the_long_export_has_one_row_per_rating(cast, api, theories) -> None:
    rate(cast.facilitator, {theories[4]: 7, theories[1]: 2}, group=cast.public, rationale="why not")
    rows = rows_of(api().get(url(cast.public) + "?layout=long"))
    assert rows[0] == ["rater", "theory", "score", "rationale", "updated_at"]
    assert [r[:4] for r in rows[1:]] == [["fay", "2", "2", "why not"], ["fay", "5", "7", "why not"]]
    assert rows[1][4].startswith("20") and "T" in rows[1][4]  # ISO 8601


def test_an_unknown_layout_is_a_400(cast, api, theories) -> None:
    response = api().get(url(cast.public) + "?layout=tall")
    assert response.status_code == 400
    assert "layout" in response.json()


def test_the_rankings_export_is_the_stored_ranking(cast, api, theories) -> None:
    rate(cast.facilitator, {theories[0]: 9, theories[1]: 4}, group=cast.public)
    rate(cast.member, {theories[0]: 7, theories[1]: 6}, group=cast.public)
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    rows = rows_of(api().get(url(cast.public, "rankings")))
    # The columns of before issue 13 first, unchanged; the rank interval and tier at the end.
    assert rows[0] == [
        "rank",
        "theory",
        "title",
        "n",
        "mean",
        "median",
        "stdev",
        "controversy",
        "rank_low",
        "rank_high",
        "tier",
        "coverage",  # issue 22: after those, so that every earlier column keeps its place
        "adjusted",
        "adjusted_low",
        "adjusted_high",
    ]
    assert len(rows) == 21
    first = ranking.results[0]
    assert rows[1] == [
        "1",
        "1",
        theories[0].title,
        "2",
        repr(first["mean"]),
        repr(first["median"]),
        repr(first["stdev"]),
        repr(first["controversy"]),
        "",  # two raters: no rank interval, no tier
        "",
        "",
        "1.0",  # both raters rated it
        repr(first["adjusted"]["score"]),
        repr(first["adjusted"]["interval"][0]),
        repr(first["adjusted"]["interval"][1]),
    ]
    assert rows[20][3] == "0" and rows[20][4] == ""  # unrated last, empty statistics


def test_the_rankings_export_has_the_rank_interval_and_tier_after_the_contracts_columns(
    cast, api, theories
) -> None:
    raters = [Participant.objects.create(group=cast.public, name=f"r{i}") for i in range(4)]
    for i, person in enumerate(raters):
        rate(person, {theories[0]: 9, theories[1]: 5 + i % 2, theories[2]: 2})
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    rows = rows_of(api().get(url(cast.public, "rankings")))
    assert rows[0][8:11] == ["rank_low", "rank_high", "tier"]
    for line, row in zip(rows[1:], ranking.results, strict=True):
        interval = row["rank_interval"]
        expected = [str(interval[0]), str(interval[1]), str(row["tier"])] if interval else [""] * 3
        assert line[8:11] == expected
    assert rows[1][8:11] == ["1", "1", "1"]  # everyone puts theory 1 first: it is surely first
    assert rows[4][8:11] == ["", "", ""]  # nobody rated theory 4


def test_the_rankings_export_ends_with_coverage_and_the_adjusted_score(cast, api, theories) -> None:
    """Issue 22: the share of the raters who rated each theory, and its adjusted score with its
    interval, last (empty where there is none: nobody rated it)."""
    raters = [Participant.objects.create(group=cast.public, name=f"r{i}") for i in range(4)]
    for i, person in enumerate(raters):
        rate(person, {theories[0]: 9, theories[1]: 5 + i % 2, **({theories[2]: 2} if i else {})})
    ranking = ranking_recompute(scope=Scope.group(cast.public.pk))
    rows = rows_of(api().get(url(cast.public, "rankings")))
    assert rows[0][-4:] == ["coverage", "adjusted", "adjusted_low", "adjusted_high"]
    by_number = {line[1]: line for line in rows[1:]}
    assert by_number["1"][-4] == "1.0" and by_number["3"][-4] == "0.75"
    assert by_number["4"][-4:] == ["0.0", "", "", ""]
    for row in ranking.results[:3]:
        adjusted = row["adjusted"]
        low, high = adjusted["interval"]
        line = by_number[str(row["theory"]["number"])]
        assert [float(v) for v in line[-3:]] == [adjusted["score"], low, high]


def test_the_export_is_a_streamed_utf8_csv_attachment(cast, api, theories) -> None:
    rate(cast.member, {theories[0]: 5}, group=cast.public)
    for what in ("ratings", "rankings", "comments"):
        # comments.csv is the members-only thread (issue 16 item 6): read as a member.
        response = api(cast.member if what == "comments" else None).get(url(cast.public, what))
        assert response.status_code == 200, what
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="{cast.public.slug}-{what}.csv"'
            if what != "ratings"
            else f'attachment; filename="{cast.public.slug}-ratings-wide.csv"'
        )


def test_asking_for_text_csv_is_not_refused_as_unacceptable(cast, api, theories) -> None:
    response = api().get(url(cast.public), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert api().get(url(cast.public), HTTP_ACCEPT="text/csv, */*;q=0.1").status_code == 200


def test_errors_stay_json_even_when_csv_is_asked_for(cast, api, theories) -> None:
    response = api().get(url(cast.private), HTTP_ACCEPT="text/csv")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_non_ascii_names_come_out_intact_in_utf8_without_a_bom_by_default(
    cast, api, theories
) -> None:
    user = user_create(username="zoë_ñandú", password=PASSWORD)
    from groups.services import membership_join

    membership_join(group=cast.public, user=user)
    rate(user, {theories[0]: 6}, group=cast.public, rationale="très bien — 好")
    raw = body(api().get(url(cast.public) + "?layout=long"))
    assert not raw.startswith(BOM)
    text = raw.decode("utf-8")
    assert "zoë_ñandú" in text and "très bien — 好" in text


def test_bom_1_writes_a_byte_order_mark(cast, api, theories) -> None:
    raw = body(api().get(url(cast.public) + "?bom=1"))
    assert raw.startswith(BOM)
    assert raw[len(BOM) :].startswith(b"rater,1,2")


# --- formula injection ------------------------------------------------------------------------------


@pytest.mark.parametrize("char", DANGEROUS)
def test_a_rationale_beginning_with_a_formula_character_is_neutralised(
    char, cast, api, theories
) -> None:
    rate(cast.member, {theories[0]: 5}, group=cast.public, rationale=f"{char}SUM(A1:A9)")
    rows = rows_of(api().get(url(cast.public) + "?layout=long"))
    assert rows[1][3] == f"'{char}SUM(A1:A9)"


@pytest.mark.parametrize("char", DANGEROUS)
def test_a_rater_name_beginning_with_a_formula_character_is_neutralised(
    char, cast, api, theories
) -> None:
    # Named participants come from spreadsheets; their names are whatever the sheet held.
    participant = Participant.objects.create(group=cast.public, name=f"{char}HYPERLINK(x)")
    rate(participant, {theories[0]: 5})
    for layout in ("wide", "long"):
        rows = rows_of(api().get(url(cast.public) + f"?layout={layout}"))
        assert rows[1][0] == f"'{char}HYPERLINK(x)"


@pytest.mark.parametrize("username", ["+plus", "-minus", "@at"])
def test_usernames_that_begin_like_a_formula_are_neutralised(username, cast, api, theories) -> None:
    user = user_create(username=username, password=PASSWORD)
    from groups.services import membership_join

    membership_join(group=cast.public, user=user)
    rate(user, {theories[0]: 5}, group=cast.public)
    assert rows_of(api().get(url(cast.public)))[1][0] == f"'{username}"


def test_every_cell_goes_through_the_guard_and_safe_cells_are_untouched() -> None:
    assert [cell_safe(v) for v in ("=1", "a=1", None, 7, 1.5, "")] == [
        "'=1",
        "a=1",
        "",
        "7",
        "1.5",
        "",
    ]


# --- anonymising ---------------------------------------------------------------------------------


def test_anonymised_exports_use_stable_pseudonyms_by_participant_id(cast, api, theories) -> None:
    rate(cast.member, {theories[0]: 5}, group=cast.public)  # mo's participant is newer than fay's
    rate(cast.facilitator, {theories[0]: 6, theories[1]: 7}, group=cast.public)
    wide = rows_of(api().get(url(cast.public) + "?anonymise=1"))
    long = rows_of(api().get(url(cast.public) + "?layout=long&anonymise=1"))
    assert [r[0] for r in wide[1:]] == ["rater-1", "rater-2"]
    assert wide[1][1:3] == ["6", "7"]  # rater-1 is fay: the lower participant id
    assert [r[0] for r in long[1:]] == ["rater-1", "rater-1", "rater-2"]
    again = rows_of(api().get(url(cast.public) + "?anonymise=1"))
    assert again == wide
    text = body(api().get(url(cast.public) + "?layout=long&anonymise=1")).decode()
    assert "fay" not in text and "mo," not in text


# --- who may read ----------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["ratings", "rankings", "comments"])
def test_a_private_groups_exports_are_404_to_outsiders_and_anonymous(
    what, cast, api, theories
) -> None:
    assert api(cast.outsider).get(url(cast.private, what)).status_code == 404
    assert api().get(url(cast.private, what)).status_code == 404
    assert api(cast.member).get(url(cast.private, what)).status_code == 200


@pytest.mark.parametrize("what", ["ratings", "rankings"])
def test_a_public_groups_exports_are_readable_by_anyone(what, cast, api, theories) -> None:
    assert api().get(url(cast.public, what)).status_code == 200
    assert api(cast.outsider).get(url(cast.public, what)).status_code == 200


def test_a_public_groups_comments_export_answers_as_its_thread_does(cast, api, theories) -> None:
    """Issue 16 item 6: comments.csv of a public group answered 200 with every comment of the
    members-only thread, to anonymous readers too. It now answers what the thread API answers."""
    from discussion.services import comment_create

    comment_create(author=cast.member, theory=theories[0], group=cast.public, body="members only")
    thread = f"/api/v1/theories/{theories[0].pk}/comments/?group={cast.public.slug}"
    for who in (None, cast.outsider, cast.other_facilitator):
        expected = api(who).get(thread).status_code
        assert expected in (403, 404)
        response = api(who).get(url(cast.public, "comments"))
        assert response.status_code == expected, who
        assert b"members only" not in b"".join(getattr(response, "streaming_content", [b""]))
    assert api(cast.member).get(url(cast.public, "comments")).status_code == 200
    private = url(cast.private, "comments")
    assert api(cast.outsider).get(private).status_code == 404
    assert api().get(private).status_code == 404


@pytest.mark.parametrize("what", ["ratings", "rankings", "comments"])
def test_hidden_results_refuse_the_export_with_403_until_the_caller_has_rated(
    what, cast, api, theories
) -> None:
    group_update(group=cast.public, results_hidden=True)
    response = api(cast.member).get(url(cast.public, what))
    assert response.status_code == 403
    assert response.json() == {"detail": "Results are hidden until you have rated in this group."}
    assert api().get(url(cast.public, what)).status_code == 403
    rate(cast.member, {theories[0]: 5}, group=cast.public)
    assert api(cast.member).get(url(cast.public, what)).status_code == 200


def test_an_unknown_group_is_404(api, theories) -> None:
    assert api().get("/api/v1/groups/nope/export/ratings.csv").status_code == 404


def test_session_auth_works_for_the_page_buttons(cast, client, theories) -> None:
    client.force_login(cast.member)
    response = client.get(url(cast.private))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)


def test_the_group_page_offers_the_downloads_and_the_import_to_a_facilitator(
    cast, client, theories
) -> None:
    client.force_login(cast.facilitator)
    html = client.get(f"/groups/{cast.public.slug}/").content.decode()
    assert url(cast.public) in html and url(cast.public, "rankings") in html
    assert f"/groups/{cast.public.slug}/import/" in html
    client.force_login(cast.member)
    html = client.get(f"/groups/{cast.public.slug}/").content.decode()
    assert url(cast.public) in html
    assert f"/groups/{cast.public.slug}/import/" not in html


def test_the_group_page_hides_the_downloads_while_results_are_hidden(
    cast, client, theories
) -> None:
    group_update(group=cast.public, results_hidden=True)
    client.force_login(cast.member)
    html = client.get(f"/groups/{cast.public.slug}/").content.decode()
    assert url(cast.public) not in html


# --- comments --------------------------------------------------------------------------------------


def test_the_comments_export_lists_the_groups_live_comments_oldest_first(
    cast, api, theories
) -> None:
    from discussion.services import comment_create, comment_delete

    comment_create(
        author=cast.member,
        theory=theories[2],
        group=cast.public,
        body="=cmd|' /C calc'!A0",
        stance="for",
    )
    gone = comment_create(author=cast.facilitator, theory=theories[0], group=cast.public, body="x")
    comment_delete(comment=gone)
    comment_create(author=cast.facilitator, theory=theories[1], group=cast.public, body="Ünïcode")
    comment_create(
        author=cast.member, theory=theories[1], group=None, body="public, not the group's"
    )
    rows = rows_of(api(cast.member).get(url(cast.public, "comments")))
    assert rows[0] == ["author", "theory", "stance", "created_at", "body"]
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:]] == [
        ("mo", "3", "for", "'=cmd|' /C calc'!A0"),
        ("fay", "2", "", "Ünïcode"),
    ]
    anonymous = rows_of(api(cast.member).get(url(cast.public, "comments") + "?anonymise=1"))
    assert [r[0] for r in anonymous[1:]] == ["author-1", "author-2"]


# --- the management command ------------------------------------------------------------------------


def test_the_export_group_command_writes_the_same_csv_as_the_api(
    cast, api, theories, tmp_path
) -> None:
    rate(cast.member, {theories[0]: 5, theories[3]: 9}, group=cast.public, rationale="@risk")
    for options, query in (
        ({}, ""),
        ({"layout": "long"}, "?layout=long"),
        ({"what": "rankings"}, None),
        ({"anonymise": True, "bom": True}, "?anonymise=1&bom=1"),
    ):
        out = tmp_path / "out.csv"
        call_command("export_group", cast.public.slug, output=str(out), **options)
        what = options.get("what", "ratings")
        expected = body(api().get(url(cast.public, what) + (query or "")))
        assert out.read_bytes() == expected, options


def test_the_export_group_command_refuses_an_unknown_group(theories) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_group", "no-such-group")


# --- the ratings exports are made in SQL: the same bytes as cell by cell in Python -------------

# Cells a spreadsheet could misread, and cells it could not: every formula start, alone and
# followed by text; near misses; CSV's own special characters; non-ASCII at the start.
TRICKY_TEXTS = [
    *DANGEROUS,
    *(f"{char}SUM(A1:A9)" for char in DANGEROUS),
    "",
    "plain",
    "a=1",
    " =SUM(1)",
    "'=already quoted",
    "\n=after a newline",
    "comma, inside",
    'a "quoted" word',
    "two\r\nlines",
    "ünïcödé — 好",
    "😀=emoji first",
    "=ünïcode formula",
]


def reference_ratings_rows(group, *, layout: str, anonymise: bool):
    """The ratings rows as they were built before the export moved into SQL: one ORM row at a
    time, raw values, left to `csv_bytes` to guard cell by cell."""
    raters: dict[int, str] = {}

    def rater(participant_id: int, name: str) -> str:
        label = raters.setdefault(participant_id, f"rater-{len(raters) + 1}")
        return label if anonymise else name

    ratings = Rating.objects.filter(group=group).order_by("participant_id", "theory__number")
    if layout == "long":
        yield ["rater", "theory", "score", "rationale", "updated_at"]
        for pid, name, number, score, rationale, updated_at in ratings.values_list(
            "participant_id",
            "participant__name",
            "theory__number",
            "score",
            "rationale",
            "updated_at",
        ):
            yield [rater(pid, name), number, score, rationale, updated_at]
        return
    numbers = list(Theory.objects.order_by("number").values_list("number", flat=True))
    yield ["rater", *numbers]
    rows: dict[int, list] = {}
    for pid, name, number, score in ratings.values_list(
        "participant_id", "participant__name", "theory__number", "score"
    ):
        row = rows.setdefault(pid, [rater(pid, name)] + [None] * len(numbers))
        row[numbers.index(number) + 1] = score
    yield from rows.values()


@pytest.fixture
def tricky_group(cast, theories):
    """A group whose raters and rationales are every tricky text, with gaps (unrated theories),
    a participant who never rated and another group's ratings (neither is exported), and
    timestamps with and without a fraction of a second."""
    for i, text in enumerate(TRICKY_TEXTS):
        participant = Participant.objects.create(group=cast.public, name=text)
        items = [
            RatingItem(theory.id, 1 + (i + k) % 10, TRICKY_TEXTS[(i + k) % len(TRICKY_TEXTS)])
            for k, theory in enumerate(theories)
            if (i + k) % 3  # a third of the cells stay empty
        ]
        rating_submission_create(
            participant=participant, items=items, submitted_by=None, source="api"
        )
    Participant.objects.create(group=cast.public, name="=never rated")
    rate(cast.other_facilitator, {theories[0]: 3}, group=cast.other, rationale="=other group")
    whole_second = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    Rating.objects.filter(group=cast.public, theory=theories[0]).update(updated_at=whole_second)
    Rating.objects.filter(group=cast.public, theory=theories[1]).update(
        updated_at=whole_second.replace(microsecond=120000)
    )
    return cast.public


def test_the_sql_guard_neutralises_exactly_the_cells_cell_safe_does(cast, theories) -> None:
    for text in TRICKY_TEXTS:
        Participant.objects.create(group=cast.other, name=text)
    guarded = Participant.objects.filter(group=cast.other, user=None).values_list(
        "name", sql_cell_safe("name")
    )
    assert len(guarded) == len(TRICKY_TEXTS)
    for name, in_sql in guarded:
        assert in_sql == cell_safe(name), repr(name)


def test_a_line_the_database_writes_is_the_line_the_csv_module_writes(cast, theories) -> None:
    for i, text in enumerate(TRICKY_TEXTS):
        participant = Participant.objects.create(group=cast.other, name=text)
        rate(participant, {theories[i % 20]: 1 + i % 10}, rationale=TRICKY_TEXTS[-1 - i])
    ratings = Rating.objects.filter(participant__user=None).annotate(
        line=sql_csv_line(
            sql_csv_text("rationale"),
            sql_csv_number("theory__number"),
            sql_csv_text("participant__name"),
            IsoFormat("updated_at"),
            sql_csv_number("score"),
        )
    )
    assert len(ratings) == len(TRICKY_TEXTS)
    for rating in ratings.select_related("participant", "theory"):
        buffer = io.StringIO()
        csv.writer(buffer).writerow(
            [
                cell_safe(v)
                for v in (
                    rating.rationale,
                    rating.theory.number,
                    rating.participant.name,
                    rating.updated_at,
                    rating.score,
                )
            ]
        )
        assert rating.line == buffer.getvalue(), repr(rating.rationale)


def test_datetimes_formatted_in_sql_are_pythons_isoformat(tricky_group) -> None:
    pairs = Rating.objects.filter(group=tricky_group).values_list(
        "updated_at", IsoFormat("updated_at")
    )
    fractions = {updated_at.microsecond == 0 for updated_at, _ in pairs}
    assert fractions == {True, False}  # both forms are checked
    for updated_at, in_sql in pairs:
        assert in_sql == updated_at.isoformat()


def test_formatting_datetimes_in_sql_is_refused_when_the_database_is_not_in_utc(
    tricky_group, settings
) -> None:

    settings.USE_TZ = False  # naive datetimes: isoformat would have no offset
    with pytest.raises(NotSupportedError):
        list(Rating.objects.values_list(IsoFormat("updated_at")))


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("anonymise", [False, True])
def test_the_ratings_exports_are_byte_for_byte_the_cell_by_cell_reference(
    layout, anonymise, tricky_group, api, monkeypatch
) -> None:
    # Small chunks, so that rows and bytes cross many chunk boundaries.
    monkeypatch.setattr(selectors, "CHUNK_ROWS", 7)
    monkeypatch.setattr(csvio, "CHUNK_BYTES", 100)
    query = f"?layout={layout}" + ("&anonymise=1" if anonymise else "")
    for bom in (False, True):
        response = api().get(url(tricky_group) + query + ("&bom=1" if bom else ""))
        assert response.status_code == 200
        chunks = list(response.streaming_content)
        expected = csvio.csv_bytes(
            reference_ratings_rows(tricky_group, layout=layout, anonymise=anonymise), bom=bom
        )
        assert b"".join(chunks) == b"".join(expected)
        assert len(chunks) >= 3  # streamed, not built whole
    rows = rows_of(api().get(url(tricky_group) + query))
    raters = {r[0] for r in rows[1:]}
    assert len(raters) == len(TRICKY_TEXTS)  # not the one who never rated, nor the other group
    assert len(rows) == 1 + (len(raters) if layout == "wide" else tricky_group.ratings.count())


def test_the_ratings_rows_come_from_the_database_a_chunk_at_a_time(
    tricky_group, monkeypatch
) -> None:
    from exports import selectors

    monkeypatch.setattr(selectors, "CHUNK_ROWS", 10)
    rows = selectors.export_ratings_long(group=tricky_group)
    sizes = [len(chunk) for chunk in rows.chunks]
    assert len(sizes) > 10 and max(sizes) == 10


@pytest.mark.django_db(transaction=True)
def test_a_download_stopped_half_way_leaves_the_database_connection_usable(
    tricky_group, api, monkeypatch
) -> None:
    monkeypatch.setattr(selectors, "CHUNK_ROWS", 5)
    monkeypatch.setattr(csvio, "CHUNK_BYTES", 100)
    for layout in ("long", "wide"):
        response = api().get(url(tricky_group) + f"?layout={layout}")
        content = iter(response.streaming_content)
        next(content), next(content)  # the client reads a little, then goes away
        response.close()
        assert Rating.objects.filter(group=tricky_group).exists()
    rows = rows_of(api().get(url(tricky_group) + "?layout=long"))
    assert len(rows) == 1 + tricky_group.ratings.count()


# --- issue 16, item 13: what a spreadsheet may skip before a formula --------------------------------

HIDDEN_BEFORE_FORMULA = [
    " =2+3",
    "  +SUM(A1)",
    "\u3000=2+3",
    "\u200b=2+3",
    "\u200c@SUM(A1)",
    "\u200d-2+3",
    "\u2060=2+3",
    "\ufeff=2+3",
    "\u00a0=2+3",
    "\n=2+3",
    "\r\n=2+3",
    " \u200b\u3000\n=2+3",
    "\uff1d2+3",
    "\uff0bSUM(A1)",
    "\uff0d2+3",
    "\uff20SUM(A1)",
    " \uff1d2+3",
    "\u200b\uff20SUM(A1)",
]
NOT_A_FORMULA = [" plain", "\u3000text", "\u200bword", "\nline", "a \uff1d b", "", "   "]


@pytest.mark.parametrize("text", HIDDEN_BEFORE_FORMULA)
def test_a_formula_after_spaces_line_breaks_zero_width_or_in_full_width_is_guarded(text) -> None:
    assert cell_safe(text) == "'" + text


@pytest.mark.parametrize("text", NOT_A_FORMULA)
def test_leading_spaces_before_plain_text_are_left_alone(text) -> None:
    assert cell_safe(text) == text


@pytest.mark.parametrize("text", HIDDEN_BEFORE_FORMULA)
def test_the_exported_file_guards_each_hidden_formula_variant(text, cast, api, theories) -> None:
    participant = Participant.objects.create(group=cast.public, name=f"{text} name")
    rate(participant, {theories[0]: 5}, rationale=text)
    for layout in ("wide", "long"):
        rows = rows_of(api().get(url(cast.public) + f"?layout={layout}"))
        assert rows[1][0] == f"'{text} name"
    assert rows_of(api().get(url(cast.public) + "?layout=long"))[1][3] == f"'{text}"


def test_the_sql_guard_agrees_with_cell_safe_on_every_hidden_variant(cast, theories) -> None:
    texts = HIDDEN_BEFORE_FORMULA + NOT_A_FORMULA
    for text in texts:
        Participant.objects.create(group=cast.other, name=text)
    guarded = Participant.objects.filter(group=cast.other, user=None).values_list(
        "name", sql_cell_safe("name")
    )
    assert len(guarded) == len(texts)
    for name, in_sql in guarded:
        assert in_sql == cell_safe(name), repr(name)
