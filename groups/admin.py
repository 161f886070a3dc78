"""The global ranking's moderation queue in the admin: filter groups by listing, then list or
refuse them in bulk (the same service as the staff page /moderation/listings/)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import DiscussionGroup
from .services import ListingNotAllowed, group_listing_decide


@admin.register(DiscussionGroup)
class DiscussionGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "listing", "listing_changed_at", "created_by"]
    list_filter = ["listing", "visibility"]
    search_fields = ["name", "slug"]
    # The listing changes through the actions only, so that the global ranking follows.
    readonly_fields = ["listing", "listing_changed_at", "current_round", "created_by"]
    exclude = ["join_code"]
    actions = ["approve_listing", "refuse_listing"]

    @admin.action(description="List: count in the global ranking")
    def approve_listing(self, request: HttpRequest, queryset: QuerySet[DiscussionGroup]) -> None:
        listed = 0
        for group in queryset:
            try:
                group_listing_decide(group=group, listed=True)
                listed += 1
            except ListingNotAllowed:
                self.message_user(request, f"{group}: a private group cannot be listed.")
        self.message_user(request, f"{listed} group(s) listed.")

    @admin.action(description="Refuse / un-list: do not count in the global ranking")
    def refuse_listing(self, request: HttpRequest, queryset: QuerySet[DiscussionGroup]) -> None:
        for group in queryset:
            group_listing_decide(group=group, listed=False)
        self.message_user(request, f"{len(queryset)} group(s) not listed.")
