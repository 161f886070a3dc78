"""Spreadsheet import: messy real sheets read right, bad cells named, hostile files refused,
nothing written before confirm, all or nothing after, and the round trip with the export."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from exports.models import ImportJob
from exports.services import import_job_execute
from groups.models import Participant
from groups.services import participant_for_user
from rankings.scope import Scope
from rankings.selectors import ranking_get
from rankings.services import ranking_recompute
from ratings.models import Rating, Submission
from ratings.services import RatingItem, rating_submission_create

from .conftest import wait_until


def upload(text: str | bytes, name: str = "sheet.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def import_url(group) -> str:
    return f"/api/v1/groups/{group.slug}/import/"


def preview(api, user, group, text, **extra):
    return api(user).post(import_url(group), {"file": upload(text), **extra}, format="multipart")


def commit(api, user, group, text, name="sheet.csv", **extra):
    return api(user).post(
        import_url(group),
        {"file": upload(text, name), "confirm": "true", **extra},
        format="multipart",
    )


def scores_of(group) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = {}
    for name, number, score in Rating.objects.filter(group=group).values_list(
        "participant__name", "theory__number", "score"
    ):
        found.setdefault(name, {})[number] = score
    return found


def nothing_written(group) -> bool:
    return (
        not Rating.objects.filter(group=group).exists()
        and not Participant.objects.filter(group=group, user__isnull=True).exists()
        and not Submission.objects.filter(group=group).exists()
    )


# --- reading real sheets --------------------------------------------------------------------------


def test_a_plain_sheet_is_imported_as_named_participants_with_a_history_entry(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    sheet = "Name,1,2,3\nAda,8,,3\nBo,1,10,5\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(api, cast.facilitator, cast.public, sheet, name="old-sheet.csv")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "done"
    assert response.json()["result"] == {"participants": 2, "created": 2, "reused": 0, "ratings": 5}
    assert scores_of(cast.public) == {"Ada": {1: 8, 3: 3}, "Bo": {1: 1, 2: 10, 3: 5}}
    ada = Participant.objects.get(group=cast.public, name="Ada")
    assert ada.user is None
    submission = Submission.objects.get(participant=ada)
    assert submission.source == "import"
    assert submission.note == "import of old-sheet.csv by fay"
    assert submission.submitted_by == cast.facilitator
    assert ranking_recompute(scope=Scope.group(cast.public.pk), force=True).raters == 2


@pytest.mark.parametrize(
    "header",
    [
        "Name,3,7",
        "Name,Theory 3,Theory 7",
        "Name,theory 3,THEORY 7",
        "Name,3. Auditing,7. Improving human feedback",
        "Name,Auditing,improving HUMAN feedback",
        "Name,T3,#7",
        "Name,3: auditing,7) whatever the sheet said",
    ],
)
def test_theory_columns_are_recognised_however_they_are_headed(header, cast, api, theories) -> None:
    response = preview(api, cast.facilitator, cast.public, f"{header}\nAda,9,4\n")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert [c["target"] for c in data["columns"]] == ["name", "3", "7"]
    assert data["can_import"] and data["problem_count"] == 0
    assert nothing_written(cast.public)  # a preview writes nothing


def test_messy_values_blank_cells_a_bom_and_extra_columns_are_handled(cast, api, theories) -> None:
    sheet = "\ufeffName,Email,1,2,3,Notes\n Ada , ada@x.org, 7 ,7.0,,likes 3\n\nBo,,,10,2.000,\n"
    response = commit(api, cast.facilitator, cast.public, sheet)
    assert response.status_code == 201, response.json()
    assert scores_of(cast.public) == {"Ada": {1: 7, 2: 7}, "Bo": {2: 10, 3: 2}}
    data = preview(api, cast.facilitator, cast.public, sheet).json()
    assert data["ignored"] == ["Email", "Notes"]


def test_a_semicolon_sheet_with_decimal_commas_is_read(cast, api, theories) -> None:
    sheet = "Teilnehmer;Theory 1;Theory 2\nJürgen;7,0;3\nAda;;9\n"
    response = preview(api, cast.facilitator, cast.public, sheet)
    data = response.json()
    assert data["delimiter"] == ";"
    assert data["columns"][0]["target"] == "name"  # the leftmost unrecognised column
    assert data["can_import"], data
    commit(api, cast.facilitator, cast.public, sheet)
    assert scores_of(cast.public) == {"Jürgen": {1: 7, 2: 3}, "Ada": {2: 9}}


def test_a_windows_1252_sheet_keeps_its_accents(cast, api, theories) -> None:
    sheet = "Name,1\nJosé,5\n".encode("cp1252")
    assert commit(api, cast.facilitator, cast.public, sheet).status_code == 201
    assert scores_of(cast.public) == {"José": {1: 5}}


def test_a_tab_separated_utf16_sheet_from_excel_is_read(cast, api, theories) -> None:
    sheet = "Name\t1\t2\nAda\t4\t5\n".encode("utf-16")
    assert commit(api, cast.facilitator, cast.public, sheet).status_code == 201
    assert scores_of(cast.public) == {"Ada": {1: 4, 2: 5}}


def test_a_row_with_a_name_and_no_scores_is_skipped_and_said_so(cast, api, theories) -> None:
    data = preview(api, cast.facilitator, cast.public, "Name,1\nAda,5\nBo,\n").json()
    assert data["people"] == 1 and data["skipped_rows"] == [3]


# --- bad cells: named, nothing written ------------------------------------------------------------


def test_each_bad_cell_is_named_with_its_row_column_and_reason(cast, api, theories) -> None:
    sheet = "Name,1,2,3\nAda,11,x,7.5\nBo,0,5,\nada,3,,\n,4,,\n"
    data = preview(api, cast.facilitator, cast.public, sheet).json()
    assert not data["can_import"]
    problems = {(p["row"], p["column"]): p["reason"] for p in data["problems"]}
    assert problems[(2, "B")].startswith("out of range: 11")
    assert problems[(2, "C")].startswith("not a number")
    assert problems[(2, "D")].startswith("not a whole number")
    assert problems[(3, "B")].startswith("out of range: 0")
    assert problems[(4, "A")] == "duplicate name: 'ada' is also on row 2"
    assert problems[(5, "A")] == "scores without a name"
    assert data["problems"][0]["header"] == "1"
    response = commit(api, cast.facilitator, cast.public, sheet)
    assert response.status_code == 400
    assert response.json()["problem_count"] == 6
    assert "nothing was imported" in response.json()["detail"]
    assert nothing_written(cast.public)
    assert not ImportJob.objects.exists()


def test_one_bad_cell_among_many_good_rows_writes_nothing(cast, api, theories) -> None:
    rows = [f"Person {i},{1 + i % 10},{1 + (i * 3) % 10}" for i in range(300)]
    rows[250] = "Person 250,5,eleven"
    response = commit(api, cast.facilitator, cast.public, "Name,1,2\n" + "\n".join(rows))
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"row": 252, "column": "C", "header": "2", "reason": "not a number: 'eleven'"}
    ]
    assert nothing_written(cast.public)


def test_two_columns_for_one_theory_is_a_mapping_problem(cast, api, theories) -> None:
    data = preview(api, cast.facilitator, cast.public, "Name,3,Auditing\nAda,1,2\n").json()
    # The second column for theory 3 is not guessed as theory 3 again: it is ignored...
    assert [c["target"] for c in data["columns"]] == ["name", "3", None]
    # ...and mapping it there by hand is refused.
    data = preview(
        api,
        cast.facilitator,
        cast.public,
        "Name,3,Auditing\nAda,1,2\n",
        mapping=json.dumps({"2": 3}),
    ).json()
    assert not data["can_import"]
    assert "columns B, C are all mapped to theory 3" in data["problems"][0]["reason"]


def test_the_mapping_can_be_set_by_hand(cast, api, theories) -> None:
    sheet = "Who rated,Q-A,Q-B,Comment\nAda,4,9,nice\n"
    guessed = preview(api, cast.facilitator, cast.public, sheet).json()
    assert guessed["columns"][1]["target"] is None
    mapping = json.dumps({"0": "name", "1": 12, "2": 20, "3": None})
    response = commit(api, cast.facilitator, cast.public, sheet, mapping=mapping)
    assert response.status_code == 201, response.json()
    assert scores_of(cast.public) == {"Ada": {12: 4, 20: 9}}


def test_a_mapping_that_is_not_json_or_names_no_theory_is_a_400(cast, api, theories) -> None:
    response = preview(api, cast.facilitator, cast.public, "Name,1\nA,1\n", mapping="{oops")
    assert response.status_code == 400 and "mapping" in response.json()
    data = preview(
        api, cast.facilitator, cast.public, "Name,1\nA,1\n", mapping=json.dumps({"1": 99})
    ).json()
    assert data["problems"][0]["reason"] == "Column B: no theory '99'."


# --- hostile files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "The file is empty."),
        (bytes(range(256)) * 64, "not a CSV text file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\xff" * 300, "not a CSV text file"),
        (("name," + ",".join(f"c{i}" for i in range(10_000)) + "\n").encode(), "10001 columns"),
        (b'name,1\n"' + b"x" * 200_000 + b'",5\n', "cannot be read as CSV"),
    ],
    ids=["empty", "blank", "binary", "png", "10000-columns", "giant-cell"],
)
def test_a_hostile_file_gets_a_clear_message_and_writes_nothing(
    content, message, cast, api, theories
) -> None:
    for confirm in ("false", "true"):
        response = api(cast.facilitator).post(
            import_url(cast.public),
            {"file": upload(content), "confirm": confirm},
            format="multipart",
        )
        assert response.status_code == 400, response.content[:200]
        assert message in str(response.json())
    assert nothing_written(cast.public)
    assert not ImportJob.objects.exists()


def test_a_long_cell_is_named(cast, api, theories) -> None:
    data = preview(api, cast.facilitator, cast.public, "Name,1\nAda," + "9" * 5000 + "\n").json()
    assert data["problems"][0]["reason"] == "cell too long (5,000 characters)"


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3(", "a\tb"],
)
def test_a_formula_in_a_name_is_refused(name, cast, api, theories) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["Name", "1"], [name, "5"]])
    response = commit(api, cast.facilitator, cast.public, out.getvalue())
    assert response.status_code == 400
    reason = response.json()["problems"][0]["reason"]
    assert "formula" in reason or "tabs" in reason
    assert nothing_written(cast.public)


def test_a_name_that_only_begins_with_a_sign_is_a_name(cast, api, theories) -> None:
    sheet = "Name,1\n+plus,5\n-minus,6\n@handle,7\n'=guarded,8\n"
    assert commit(api, cast.facilitator, cast.public, sheet).status_code == 201
    assert set(scores_of(cast.public)) == {"+plus", "-minus", "@handle", "=guarded"}


def test_an_upload_over_the_size_limit_is_refused(cast, api, theories, monkeypatch) -> None:
    from exports import sheet_file

    monkeypatch.setattr(sheet_file, "MAX_UPLOAD_BYTES", 100)
    response = commit(api, cast.facilitator, cast.public, "Name,1\n" + "Ada,5\n" * 50)
    assert response.status_code == 400
    assert "at most 0 MB" in response.json()["detail"] or "MB" in response.json()["detail"]
    assert nothing_written(cast.public)


def test_a_request_without_a_file_is_a_400(cast, api, theories) -> None:
    response = api(cast.facilitator).post(import_url(cast.public), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


# --- who may import --------------------------------------------------------------------------------


def test_only_facilitators_may_import(cast, api, theories) -> None:
    sheet = "Name,1\nAda,5\n"
    assert commit(api, None, cast.public, sheet).status_code == 401
    assert commit(api, cast.member, cast.public, sheet).status_code == 403
    assert commit(api, cast.outsider, cast.public, sheet).status_code == 403
    assert commit(api, cast.outsider, cast.private, sheet).status_code == 404
    assert commit(api, cast.other_facilitator, cast.public, sheet).status_code == 403
    assert commit(api, cast.member, cast.private, sheet).status_code == 403
    assert nothing_written(cast.public) and nothing_written(cast.private)


def test_an_import_job_is_visible_to_the_groups_facilitators_only(cast, api, theories) -> None:
    job_url = commit(api, cast.facilitator, cast.public, "Name,1\nAda,5\n").json()["status_url"]
    assert api(cast.facilitator).get(job_url).status_code == 200
    assert api(cast.member).get(job_url).status_code == 403
    assert api(cast.other_facilitator).get(job_url).status_code == 403
    other = f"/api/v1/groups/{cast.other.slug}/import/{job_url.rstrip('/').split('/')[-1]}/"
    assert api(cast.other_facilitator).get(other).status_code == 404


def test_closed_ratings_do_not_stop_a_facilitators_import(cast, api, theories) -> None:
    from groups.services import group_update

    group_update(group=cast.public, ratings_open=False)
    assert commit(api, cast.facilitator, cast.public, "Name,1\nAda,5\n").status_code == 201


# --- re-imports and the round trip -----------------------------------------------------------------


def test_a_second_import_reuses_the_named_participants(cast, api, theories) -> None:
    commit(api, cast.facilitator, cast.public, "Name,1,2\nAda,5,6\n")
    response = commit(api, cast.facilitator, cast.public, "Name,1,3\nAda,9,2\nBo,1,\n")
    assert response.json()["result"] == {"participants": 2, "created": 1, "reused": 1, "ratings": 3}
    assert Participant.objects.filter(group=cast.public, name="Ada").count() == 1
    assert scores_of(cast.public)["Ada"] == {1: 9, 2: 6, 3: 2}  # blank cells leave ratings be
    assert Submission.objects.filter(participant__name="Ada").count() == 2  # history kept


def test_round_trip_export_then_import_gives_an_identical_ranking(
    cast, api, theories, django_capture_on_commit_callbacks
) -> None:
    import random

    rng = random.Random(5)
    for user in (cast.facilitator, cast.member):
        participant = participant_for_user(group=cast.public, user=user)
        items = [RatingItem(t.id, rng.randint(1, 10), None) for t in theories if rng.random() < 0.8]
        rating_submission_create(
            participant=participant, items=items, submitted_by=user, source="api"
        )
    for i, name in enumerate(["=evil()", "+1 555", "Zoë", "O'Brien, Jr.", "-", "@team"]):
        participant = Participant.objects.create(group=cast.public, name=name)
        items = [RatingItem(t.id, rng.randint(1, 10), None) for t in theories if rng.random() < 0.6]
        if not items:
            items.append(RatingItem(theories[i].id, 10, None))
        rating_submission_create(
            participant=participant, items=items, submitted_by=None, source="api"
        )
    source = ranking_recompute(scope=Scope.group(cast.public.pk))
    exported = b"".join(
        api().get(f"/api/v1/groups/{cast.public.slug}/export/ratings.csv").streaming_content
    )

    from groups.services import group_create

    target = group_create(user=cast.facilitator, name="Imported Copy", visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(cast.facilitator).post(
            import_url(target),
            {"file": upload(exported, "export.csv"), "confirm": "true"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    copy = ranking_recompute(scope=Scope.group(target.pk), force=True)
    assert copy.results == source.results
    assert copy.raters == source.raters
    # Every rater came across under the same name, formula-like names included.
    assert scores_of(target) == scores_of(cast.public)


# --- the page -------------------------------------------------------------------------------------


def test_the_import_page_previews_remaps_and_confirms(cast, client, theories) -> None:
    client.force_login(cast.facilitator)
    page = f"/groups/{cast.public.slug}/import/"
    assert client.get(page).status_code == 200
    sheet = "Who,Auditing,Extra\nAda,7,x\nBo,99,y\n"
    response = client.post(page, {"file": upload(sheet, "club.csv")})
    assert response.status_code == 302
    job_page = response["Location"]
    html = client.get(job_page).content.decode()
    assert "Nothing has been written yet" in html
    assert "Row 3, column B (Auditing)" in html and "out of range: 99" in html
    assert "<q>Extra</q>" in html
    assert nothing_written(cast.public)
    # Map the bad column away, and the sheet is clean.
    response = client.post(job_page, {"action": "remap", "col-0": "name", "col-1": "", "col-2": ""})
    assert response.status_code == 302
    assert "No theory columns" in client.get(job_page).content.decode()
    client.post(job_page, {"action": "remap", "col-0": "name", "col-1": "3", "col-2": ""})
    response = client.post(job_page, {"action": "confirm"})
    assert response.status_code == 400 and nothing_written(cast.public)
    # Fix the file instead: upload again.
    response = client.post(page, {"file": upload("Who,Auditing\nAda,7\nBo,9\n", "club.csv")})
    response = client.post(response["Location"], {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == f"/groups/{cast.public.slug}/"
    assert scores_of(cast.public) == {"Ada": {3: 7}, "Bo": {3: 9}}
    # A second click on the same confirmed preview imports nothing twice.
    job = ImportJob.objects.filter(status="done").get()
    client.post(f"/groups/{cast.public.slug}/import/{job.pk}/", {"action": "confirm"})
    assert Submission.objects.filter(group=cast.public, source="import").count() == 2


def test_an_unreadable_upload_on_the_page_says_why_and_keeps_nothing(
    cast, client, theories
) -> None:
    client.force_login(cast.facilitator)
    response = client.post(f"/groups/{cast.public.slug}/import/", {"file": upload(b"\x00\x01")})
    assert response.status_code == 400
    assert "not a CSV text file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_page_is_for_facilitators(cast, client, theories) -> None:
    page = f"/groups/{cast.public.slug}/import/"
    assert client.get(page).status_code == 302  # to the login page
    client.force_login(cast.member)
    assert client.get(page).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(f"/groups/{cast.private.slug}/import/").status_code == 404


def test_discarding_a_preview_deletes_it(cast, client, theories) -> None:
    client.force_login(cast.facilitator)
    response = client.post(f"/groups/{cast.public.slug}/import/", {"file": upload("Name,1\nA,1\n")})
    client.post(response["Location"], {"action": "discard"})
    assert not ImportJob.objects.exists() and nothing_written(cast.public)


# --- large sheets: the worker path ------------------------------------------------------------------


def big_sheet(people: int) -> str:
    lines = ["Name," + ",".join(str(n) for n in range(1, 21))]
    for i in range(people):
        lines.append(f"Person {i}," + ",".join(str(1 + (i * n) % 10) for n in range(1, 21)))
    return "\n".join(lines) + "\n"


@pytest.fixture
def eager(monkeypatch):
    """Celery in its embedded mode (no REDIS_URL): tasks run inline, in this process."""
    from django.conf import settings

    # Celery reads its namespaced settings from Django's settings object on each access.
    monkeypatch.setattr(settings, "CELERY_TASK_ALWAYS_EAGER", True, raising=False)
    monkeypatch.setattr(settings, "CELERY_TASK_EAGER_PROPAGATES", True, raising=False)


def test_a_large_sheet_goes_to_the_task_which_runs_inline_in_eager_mode(
    cast, api, theories, settings, eager, django_capture_on_commit_callbacks
) -> None:
    settings.IMPORT_SYNC_MAX_ROWS = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(api, cast.facilitator, cast.public, big_sheet(40))
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    job = api(cast.facilitator).get(response.json()["status_url"]).json()
    assert job["status"] == "done" and job["done"] == job["total"] == 40
    assert job["result"]["ratings"] == 800
    assert Rating.objects.filter(group=cast.public).count() == 800
    assert ImportJob.objects.get().content == b""  # the copy of the upload is dropped
    # ...and the ranking was recomputed inline on commit.
    assert ranking_get(scope=Scope.group(cast.public.pk)).raters == 40


def test_running_a_job_twice_imports_once(cast, api, theories, settings) -> None:
    settings.IMPORT_SYNC_MAX_ROWS = 1
    from exports.services import import_job_confirm, import_job_create

    job, _ = import_job_create(
        group=cast.public, user=cast.facilitator, file_name="x.csv", data=big_sheet(3).encode()
    )
    import_job_confirm(job=job, user=cast.facilitator)  # queued; its on_commit never runs here
    import_job_execute(job_id=job.pk)
    import_job_execute(job_id=job.pk)
    assert Submission.objects.filter(group=cast.public, source="import").count() == 3


def test_a_queued_job_shows_a_progress_bar_page(cast, client, theories, settings) -> None:
    settings.IMPORT_SYNC_MAX_ROWS = 1
    client.force_login(cast.facilitator)
    response = client.post(f"/groups/{cast.public.slug}/import/", {"file": upload(big_sheet(3))})
    job_page = response["Location"]
    assert client.post(job_page, {"action": "confirm"})["Location"] == job_page
    html = client.get(job_page).content.decode()
    assert "<progress" in html and "js/import.js" in html and "data-status-url" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_large_sheet_is_imported_by_the_real_worker_with_progress(
    celery_worker, make_user, theories, api
) -> None:
    from groups.services import group_create, group_update

    user = make_user("bigfay")
    group = group_create(user=user, name="Big Import", visibility="public")
    group_update(group=group, results_hidden=False)
    response = commit(api, user, group, big_sheet(3000), name="big.csv")
    assert response.status_code == 202, response.json()
    status_url = response.json()["status_url"]
    job = wait_until(
        lambda: (j := api(user).get(status_url).json())["status"] in ("done", "failed") and j,
        timeout=120,
        interval=0.5,
    )
    assert job["status"] == "done", job
    assert job["done"] == 3000 and job["result"]["ratings"] == 60_000
    ranking = wait_until(
        lambda: (r := ranking_get(scope=Scope.group(group.pk))).raters == 3000 and r, timeout=30
    )
    assert ranking.results[0]["n"] == 3000


def test_the_export_group_command_output_imports_back(
    cast, api, theories, tmp_path, django_capture_on_commit_callbacks
) -> None:
    participant = participant_for_user(group=cast.public, user=cast.member)
    rating_submission_create(
        participant=participant,
        items=[RatingItem(theories[0].id, 4, None)],
        submitted_by=None,
        source="api",
    )
    out = tmp_path / "g.csv"
    call_command("export_group", cast.public.slug, output=str(out), bom=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(api, cast.facilitator, cast.other, out.read_bytes())
    assert response.status_code == 403  # fay is no facilitator of olga's group
    response = commit(api, cast.other_facilitator, cast.other, out.read_bytes())
    assert response.status_code == 201
    assert scores_of(cast.other) == {"mo": {1: 4}}
