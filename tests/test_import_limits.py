"""Issue 16 item 9: the import page had no throttle (the API's had) and kept each upload, up to
20 MB, in the database for a day (4 uploads in 25 s grew it by 35 MB)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from exports.models import ImportJob
from exports.services import PREVIEWS_PER_GROUP, import_job_create
from exports.tasks import import_previews_sweep


def sheet(people: int) -> bytes:
    lines = ["Name," + ",".join(str(n) for n in range(1, 21))]
    for i in range(people):
        lines.append(f"Person {i}," + ",".join(str(1 + (i * n) % 10) for n in range(1, 21)))
    return ("\n".join(lines) + "\n").encode()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("sheet.csv", data, content_type="text/csv")


def test_the_import_page_shares_the_apis_throttle(cast, client, api, theories, monkeypatch) -> None:
    rates = dict(SimpleRateThrottle.THROTTLE_RATES)
    rates["imports"] = "2/min"
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    client.force_login(cast.facilitator)
    page = f"/groups/{cast.public.slug}/import/"
    assert client.post(page, {"file": upload(sheet(2))}).status_code == 302
    assert client.post(page, {"file": upload(sheet(2))}).status_code == 302
    refused = client.post(page, {"file": upload(sheet(2))})
    assert refused.status_code == 429
    assert "Too many imports" in refused.content.decode()
    # One allowance for page and API alike.
    response = api(cast.facilitator).post(
        f"/api/v1/groups/{cast.public.slug}/import/", {"file": upload(sheet(2))}, format="multipart"
    )
    assert response.status_code == 429
    assert ImportJob.objects.count() == 2


@pytest.mark.slow
def test_previews_do_not_grow_the_database_by_the_upload_size(cast, client, theories) -> None:
    data = sheet(30_000)  # a real sheet's digits, about 1.6 MB
    client.force_login(cast.facilitator)
    page = f"/groups/{cast.public.slug}/import/"
    for _ in range(4):
        assert client.post(page, {"file": upload(data)}).status_code == 302
    stored = ImportJob.objects.aggregate(total=Sum(Length("content")))["total"]
    print(f"4 uploads of {len(data):,} bytes keep {stored:,} bytes")
    assert stored < len(data)  # four uploads keep less than one upload's size
    assert ImportJob.objects.filter(group=cast.public).count() <= PREVIEWS_PER_GROUP
    # The kept preview still confirms.
    job = ImportJob.objects.filter(group=cast.public).first()
    html = client.get(f"/groups/{cast.public.slug}/import/{job.pk}/").content.decode()
    assert "30,000" in html or "30000" in html


def test_the_beat_sweeps_previews_older_than_a_day(cast, theories) -> None:
    old, _ = import_job_create(
        group=cast.public, user=cast.facilitator, file_name="old.csv", data=sheet(2)
    )
    fresh, _ = import_job_create(
        group=cast.other, user=cast.other_facilitator, file_name="new.csv", data=sheet(2)
    )
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert import_previews_sweep() == 1
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [fresh.pk]
    schedule = settings.CELERY_BEAT_SCHEDULE["import-previews-sweep"]
    assert schedule["task"] == "exports.tasks.import_previews_sweep"
