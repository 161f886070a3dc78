"""Shapes of the import API (the CSV exports have no JSON body).

Each shape is defined once, by its serializer: the schema is generated from it, and the views
answer with its `.data` (`job_data` only gathers the values it renders; the import preview is
`exports.selectors.import_preview`, the page's too).
"""

import json
from typing import Any

from rest_framework import serializers

from .models import ImportJob
from .selectors import import_job_progress


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV: a name column and one column per theory.")
    mapping = serializers.CharField(
        required=False,
        help_text=(
            'JSON object overriding the guessed column mapping: {"<column index, 0-based>": '
            '"name" | <theory number> | null (ignore)}, e.g. {"0": "name", "4": 3, "7": null}.'
        ),
    )
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="false (default): preview only, nothing is written. true: import.",
    )

    def validate_mapping(self, value: str) -> dict[str, Any]:
        try:
            mapping = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse
            raise serializers.ValidationError("Not valid JSON.") from None
        if not isinstance(mapping, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return mapping


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Spreadsheet row (header = 1).")
    column = serializers.CharField(allow_null=True, help_text="Spreadsheet column letter.")
    header = serializers.CharField()
    reason = serializers.CharField()


class ColumnSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    letter = serializers.CharField()
    header = serializers.CharField()
    target = serializers.CharField(
        allow_null=True, help_text='"name", a theory number (as text), or null when ignored.'
    )


class ImportPreviewSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    encoding = serializers.CharField()
    delimiter = serializers.CharField()
    columns = ColumnSerializer(many=True)
    ignored = serializers.ListField(child=serializers.CharField())
    people = serializers.IntegerField(help_text="People (rows with a name and scores).")
    ratings = serializers.IntegerField()
    skipped_rows = serializers.ListField(
        child=serializers.IntegerField(), help_text="Rows with a name but no score."
    )
    problem_count = serializers.IntegerField()
    problems = ProblemSerializer(many=True, help_text="The first 500 problems.")
    can_import = serializers.BooleanField()
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The first 50 rows as read.",
    )


class ImportErrorSerializer(serializers.Serializer):
    """Either {"detail", ...} (an unreadable file, or a sheet with problems) or DRF's field
    errors ({"file": [...]}, {"mapping": [...]})."""

    detail = serializers.CharField(required=False)
    problem_count = serializers.IntegerField(required=False)
    problems = ProblemSerializer(many=True, required=False)


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    file_name = serializers.CharField()
    total = serializers.IntegerField(help_text="People to import.")
    done = serializers.IntegerField(help_text="People imported so far.")
    # The API's field name; DRF's metaclass takes declared fields off the class, so it does
    # not shadow the Field attribute of the same name at run time.
    errors = ProblemSerializer(many=True)  # type: ignore[assignment]
    result = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="When done: participants, created, reused, ratings.",
    )
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status_url = serializers.CharField()


def job_data(job: ImportJob, *, status_url: str) -> dict[str, Any]:
    return ImportJobSerializer(
        {
            "id": job.pk,
            "status": job.status,
            "file_name": job.file_name,
            "total": job.total,
            "done": import_job_progress(job=job),
            "errors": [{"row": None, "column": None, "header": "", **e} for e in job.errors],
            "result": job.result,
            "created_by": job.created_by.username if job.created_by else None,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "status_url": status_url,
        }
    ).data
