"""Staff see reports here, next to the comment, and can hide or resolve in bulk."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Comment, CommentReport, CommentVersion
from .services import comment_hide

VERSION_FIELDS = ("written_at", "replaced_at", "stance", "body")


class CommentVersionInline(admin.TabularInline):
    model = CommentVersion
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS  # versions are history: shown, never edited
    extra = 0
    can_delete = False


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    fields = ["reporter", "reason", "created_at", "resolved"]
    readonly_fields = ["reporter", "reason", "created_at"]
    extra = 0


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "theory", "group", "author", "stance", "created_at", "retracted",
                    "deleted", "hidden"]  # fmt: skip
    list_filter = ["hidden", "deleted", "retracted", "stance"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["parent", "author"]
    readonly_fields = ["body_html", "created_at", "edited_at"]
    inlines = [CommentReportInline, CommentVersionInline]
    actions = ["hide", "show"]

    @admin.action(description="Hide from readers")
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            comment_hide(comment=comment, hidden=True)

    @admin.action(description="Show again")
    def show(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            comment_hide(comment=comment, hidden=False)


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "comment", "reporter", "reason", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["reason", "comment__body", "reporter__username"]
    raw_id_fields = ["comment", "reporter"]
    actions = ["resolve", "hide_comments"]

    @admin.action(description="Mark resolved")
    def resolve(self, request: HttpRequest, queryset: QuerySet[CommentReport]) -> None:
        queryset.update(resolved=True)

    @admin.action(description="Hide the reported comments and mark resolved")
    def hide_comments(self, request: HttpRequest, queryset: QuerySet[CommentReport]) -> None:
        for report in queryset.select_related("comment"):
            comment_hide(comment=report.comment, hidden=True)
        queryset.update(resolved=True)
