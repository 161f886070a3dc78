"""CSV exports and the spreadsheet import, over the API. Parse, call a service, shape the answer.

The exports answer with a StreamingHttpResponse (rows are written as they are read); errors stay
JSON like everywhere else, whatever the client's Accept header says.
"""

from collections.abc import Mapping
from typing import Any

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impactboard.parsing import ascii_int
from impactboard.request_types import AuthedRequest
from impactboard.serializers import DetailSerializer
from impactboard.throttling import ScopedThrottle
from ratings.api.schema import ROUND_PARAMETER, round_of_group

from .access import comments_export_access, export_access, import_access
from .csvio import Rows, csv_bytes
from .models import ImportJob
from .selectors import (
    export_changes,
    export_comments,
    export_rankings,
    export_ratings_long,
    export_ratings_wide,
    export_round_ratings_long,
    export_round_ratings_wide,
    import_job_get,
    import_preview,
)
from .serializers import (
    ImportErrorSerializer,
    ImportJobSerializer,
    ImportPreviewSerializer,
    ImportUploadSerializer,
    job_data,
)
from .services import import_job_create_confirmed, sheet_read
from .sheet_file import MAX_UPLOAD_BYTES

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such group, or a private one.")
HIDDEN = OpenApiResponse(
    DetailSerializer, description="Results are hidden until the caller has rated in this group."
)
FORBIDDEN = OpenApiResponse(DetailSerializer, description="Facilitators only.")
CSV_BODY = OpenApiResponse(OpenApiTypes.STR, description="UTF-8 CSV, streamed, as an attachment.")
ANONYMISE = OpenApiParameter(
    "anonymise",
    bool,
    description="1: raters become stable pseudonyms rater-1, rater-2, … (by participant id).",
)
BOM = OpenApiParameter(
    "bom",
    bool,
    description="1: start with a UTF-8 byte-order mark (for older Excel). Default: none.",
)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes", "on")


def csv_response(rows: Rows, *, filename: str, bom: bool = False) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_bytes(rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # group data: not for shared caches
    response["X-Content-Type-Options"] = "nosniff"
    return response


class CSVRenderer(BaseRenderer):
    """Declares text/csv, so the schema says what the exports return. Bodies are streamed by
    the views themselves; this renderer is never asked to render one."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        raise NotImplementedError


class ExportView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "exports"
    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        # Success is a CSV stream that bypasses the renderers; anything else is a JSON error.
        # So `Accept: text/csv` (or anything) never ends in 406.
        return JSONRenderer(), JSONRenderer.media_type


class RatingsCSVView(ExportView):
    """A group's current ratings as CSV: wide (one row per rater, a column per theory) or long
    (one row per rating). Same read rules as the group's rankings."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "layout",
                str,
                enum=["wide", "long"],
                description="wide (default): rater,1,2,…,20. long: rater,theory,score,rationale,"
                "updated_at.",
            ),
            ANONYMISE,
            BOM,
            ROUND_PARAMETER,
        ],
        responses={(200, "text/csv"): CSV_BODY, 403: HIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        access = export_access(slug=slug, user=request.user)
        layout = request.query_params.get("layout", "wide")
        if layout not in ("wide", "long"):
            raise ValidationError({"layout": ["Must be 'wide' or 'long'."]})
        number = round_of_group(request, access.group)
        anonymise = _flag(request, "anonymise")
        rows: Rows
        if number is not None:
            round_exporter = (
                export_round_ratings_wide if layout == "wide" else export_round_ratings_long
            )
            rows = round_exporter(group=access.group, number=number, anonymise=anonymise)
        else:
            exporter = export_ratings_wide if layout == "wide" else export_ratings_long
            rows = exporter(group=access.group, anonymise=anonymise)
        suffix = f"-round-{number}" if number is not None else ""
        return csv_response(
            rows,
            filename=f"{access.group.slug}-ratings{suffix}-{layout}.csv",
            bom=_flag(request, "bom"),
        )


class RankingsCSVView(ExportView):
    """A group's stored ranking as CSV: rank,theory,title,n,mean,median,stdev,controversy,
    rank_low,rank_high,tier."""

    @extend_schema(
        parameters=[BOM, ROUND_PARAMETER],
        responses={(200, "text/csv"): CSV_BODY, 403: HIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        access = export_access(slug=slug, user=request.user)
        number = round_of_group(request, access.group)
        rows = export_rankings(group=access.group, number=number)
        suffix = f"-round-{number}" if number is not None else ""
        return csv_response(
            rows, filename=f"{access.group.slug}-rankings{suffix}.csv", bom=_flag(request, "bom")
        )


class ChangesCSVView(ExportView):
    """The group's rating history as an event log, one row per submitted item, oldest first:
    rater,theory,round,previous,score,moved_by,source,created_at. Same read rules as the group's
    rankings."""

    @extend_schema(
        parameters=[ANONYMISE, BOM],
        responses={(200, "text/csv"): CSV_BODY, 403: HIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        access = export_access(slug=slug, user=request.user)
        rows = export_changes(group=access.group, anonymise=_flag(request, "anonymise"))
        return csv_response(
            rows, filename=f"{access.group.slug}-changes.csv", bom=_flag(request, "bom")
        )


class CommentsCSVView(ExportView):
    """A group's comments as CSV: author,theory,stance,created_at,body (oldest first, deleted
    comments left out)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "anonymise", bool, description="1: authors become author-1, author-2, …"
            ),
            BOM,
        ],
        responses={(200, "text/csv"): CSV_BODY, 403: HIDDEN, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        access = comments_export_access(slug=slug, user=request.user)
        rows = export_comments(group=access.group, anonymise=_flag(request, "anonymise"))
        return csv_response(
            rows, filename=f"{access.group.slug}-comments.csv", bom=_flag(request, "bom")
        )


def _job_body(request: Request, slug: str, job: ImportJob) -> dict[str, Any]:
    status_url = request.build_absolute_uri(
        reverse("api-group-import-job", kwargs={"slug": slug, "job_id": job.pk})
    )
    return job_data(job, status_url=status_url)


class ImportView(APIView):
    """POST a CSV from the old spreadsheet into a group (facilitators only).

    Without `confirm` (or with `confirm=false`) the answer is a preview: the columns and what
    each is mapped to, the ignored columns, and every problem by row, column and reason.
    Nothing is written. With `confirm=true` a sheet without problems is imported, all or nothing:
    `201` with the job when done at once, `202` when a large sheet went to the worker (poll the
    job's `status_url`). A sheet with problems answers `400` with them, and writes nothing.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedThrottle]
    throttle_scope = "imports"

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: OpenApiResponse(ImportPreviewSerializer, description="Preview: nothing written."),
            201: OpenApiResponse(ImportJobSerializer, description="Imported."),
            202: OpenApiResponse(ImportJobSerializer, description="Queued for the worker."),
            400: OpenApiResponse(
                ImportErrorSerializer, description="Unreadable file or problems in the sheet."
            ),
            401: OpenApiResponse(DetailSerializer, description="Not logged in."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request: AuthedRequest, slug: str) -> Response:
        length = request.META.get("CONTENT_LENGTH") or ""
        access = import_access(slug=slug, user=request.user)
        size = ascii_int(length)
        if size is not None and size > MAX_UPLOAD_BYTES + 64 * 1024:
            # Refused before the body is read.
            raise ValidationError({"file": [f"At most {MAX_UPLOAD_BYTES // 1_048_576} MB."]})
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": [f"At most {MAX_UPLOAD_BYTES // 1_048_576} MB."]})
        data = upload.read()
        mapping = serializer.validated_data.get("mapping")
        file_name = upload.name or "upload.csv"
        # SheetUnreadable and ImportInvalid are domain errors: their 400 is the handler's.
        if not serializer.validated_data["confirm"]:
            sheet = sheet_read(data, group=access.group, mapping=mapping)
            return Response(
                ImportPreviewSerializer(import_preview(sheet, file_name=file_name)).data
            )
        job = import_job_create_confirmed(
            group=access.group, user=request.user, file_name=file_name, data=data, mapping=mapping
        )
        code = (
            status.HTTP_201_CREATED if job.status == job.Status.DONE else status.HTTP_202_ACCEPTED
        )
        return Response(_job_body(request, slug, job), status=code)


class ImportJobView(APIView):
    """The state of one import: status, people done out of total, problems, result. Polled by
    the import page's progress bar."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ImportJobSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request: Request, slug: str, job_id: int) -> Response:
        access = import_access(slug=slug, user=request.user)
        job = import_job_get(group=access.group, job_id=job_id)
        if job is None:
            raise Http404("No such import.")
        response = Response(_job_body(request, slug, job))
        response["Cache-Control"] = "no-store"
        return response
