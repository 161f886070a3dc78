"""The import pages: upload, preview with an editable column mapping, confirm, progress.

Short views: parse, call a service, render. Nothing is written to the group before the
facilitator confirms a preview without problems.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from impactboard.request_types import AuthedHttpRequest
from impactboard.throttling import PageThrottle

from .access import import_access
from .forms import UploadForm
from .models import ImportJob
from .selectors import import_job_get, import_job_progress, import_matches, import_preview
from .services import (
    ImportInvalid,
    import_job_confirm,
    import_job_create,
    import_job_new_people_set,
    import_job_remap,
    import_job_sheet,
    theory_titles,
)
from .sheet_file import MAX_UPLOAD_BYTES, SheetUnreadable
from .sheets import Sheet

THROTTLED = "Too many imports in a short time: wait a minute and try again."


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = import_access(slug=slug, user=request.user)
    group = access.group
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not PageThrottle("imports").allow_request(request, None):
            messages.error(request, THROTTLED)
            return render(
                request,
                "exports/import_upload.html",
                {"group": group, "form": UploadForm()},
                status=429,
            )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job, _ = import_job_create(
                    group=group,
                    user=request.user,
                    file_name=upload.name or "upload.csv",
                    data=upload.read(MAX_UPLOAD_BYTES + 1),
                )
            except SheetUnreadable as exc:
                form.add_error("file", str(exc))
                status = 400
            else:
                return redirect("group_import_job", slug=group.slug, job_id=job.pk)
        else:
            status = 400
    return render(
        request, "exports/import_upload.html", {"group": group, "form": form}, status=status
    )


def _mapping_from_post(request: HttpRequest, columns: int) -> dict[str, str | None]:
    return {str(i): request.POST.get(f"col-{i}") or None for i in range(columns)}


@login_required
@require_http_methods(["GET", "POST"])
def import_job_page(request: AuthedHttpRequest, slug: str, job_id: int) -> HttpResponse:
    access = import_access(slug=slug, user=request.user)
    group = access.group
    job = import_job_get(group=group, job_id=job_id)
    if job is None:
        raise Http404("No such import.")
    here = reverse("group_import_job", kwargs={"slug": group.slug, "job_id": job.pk})
    if job.status != ImportJob.Status.PREVIEW:
        if request.method == "POST":
            return redirect(here)  # already confirmed (a second click): show its progress
        return _job_page(request, job)
    try:
        sheet = import_job_sheet(job=job)
    except SheetUnreadable as exc:  # the longlist changed under the preview, say
        messages.error(request, str(exc))
        job.delete()
        return redirect("group_import", slug=group.slug)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("remap", "confirm") and not PageThrottle("imports").allow_request(
            request, None
        ):
            # Each reads the whole sheet again, as an upload does.
            messages.error(request, THROTTLED)
            return _preview_page(request, job, sheet, status=429)
        if action == "discard":
            job.delete()
            messages.info(request, "Import discarded: nothing was written.")
            return redirect("group_detail", slug=group.slug)
        if action in ("remap", "confirm"):
            # The facilitator's answer for each matched row ("this is member X" / "a new
            # person"), read against the sheet as previewed.
            matched = import_matches(group=group, names=[p.name for p in sheet.people])
            import_job_new_people_set(
                job=job,
                names=[
                    p.name
                    for p in sheet.people
                    if p.name in matched and request.POST.get(f"match-{p.row}") == "new"
                ],
            )
        if action == "remap":
            import_job_remap(job=job, mapping=_mapping_from_post(request, len(sheet.headers)))
            return redirect(here)
        if action == "confirm":
            try:
                job = import_job_confirm(job=job, user=request.user)
            except ImportInvalid as exc:
                sheet = exc.sheet
                messages.error(request, "The sheet still has problems: nothing was written.")
                status = 400
            else:
                if job.status == ImportJob.Status.DONE:
                    result = job.result
                    messages.success(
                        request,
                        f"Imported {result['participants']} people ({result['created']} new, "
                        f"{result['reused']} already here) and {result['ratings']} ratings "
                        f"from {job.file_name}.",
                    )
                    return redirect("group_detail", slug=group.slug)
                return redirect(here)
    return _preview_page(request, job, sheet, status=status)


def _preview_page(
    request: HttpRequest, job: ImportJob, sheet: Sheet, *, status: int
) -> HttpResponse:
    titles = theory_titles(group=job.group)
    matched = import_matches(group=job.group, names=[p.name for p in sheet.people])
    people = [
        {"row": p.row, "match": matched[p.name], "new": p.name in job.new_people}
        for p in sheet.people
        if p.name in matched
    ]
    # The API's preview (one builder); an ignored column's `target` is None, "(ignore)" here.
    columns = import_preview(sheet, file_name=job.file_name)["columns"]
    return render(
        request,
        "exports/import_preview.html",
        {
            "group": job.group,
            "job": job,
            "sheet": sheet,
            "columns": columns,
            "matched_people": people,
            "theory_choices": [(str(n), f"{n}. {t}") for n, t in titles.items()],
            "more_problems": sheet.problem_count - len(sheet.problems),
            "delimiter": {"\t": "tab", ",": "comma", ";": "semicolon"}[sheet.delimiter],
        },
        status=status,
    )


def _job_page(request: HttpRequest, job: ImportJob) -> HttpResponse:
    return render(
        request,
        "exports/import_job.html",
        {
            "group": job.group,
            "job": job,
            "done": import_job_progress(job=job),
            "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            "status_url": reverse(
                "api-group-import-job", kwargs={"slug": job.group.slug, "job_id": job.pk}
            ),
        },
    )
