"""Longlists and their items. The 20 theories of impact for interpretability are the default
longlist (`Longlist.is_default`); any other list is owned by the person who made it. An item
keeps the name `Theory` (the API keeps the word "theory" for items)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_LONGLIST_SLUG = "theories-of-impact"


class Longlist(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    class Proposals(models.TextChoices):
        """Who may suggest items (the proposals issue uses it; closed until then)."""

        CLOSED = "closed", "Closed"
        MODERATED = "moderated", "Moderated"
        OPEN = "open", "Open"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="", max_length=2000)
    # Null for the default list, which staff change.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="longlists",
    )
    visibility = models.CharField(
        max_length=7, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_default = models.BooleanField(default=False)
    # +1 on every change to its items; each change is one LonglistChange of that version.
    version = models.PositiveIntegerField(default=1)
    # The highest item number ever used, so that a number is never given twice (even if an item
    # were ever deleted by hand).
    last_number = models.PositiveSmallIntegerField(default=0)
    proposals = models.CharField(max_length=9, choices=Proposals.choices, default=Proposals.CLOSED)
    forked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="longlist_one_default"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="longlist_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(proposals__in=["closed", "moderated", "open"]),
                name="longlist_proposals_valid",
            ),
            # The default list is public: every client of GET /theories/ reads it.
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(visibility="public"),
                name="longlist_default_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Theory(models.Model):
    """One item of a longlist. Its number is unique within its list and never reused; its slug
    is unique across every list, so that a theory page's URL (/theories/<slug>/) names it alone."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    longlist = models.ForeignKey(Longlist, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # [{"number": "2.1", "text": "..."}]: the post's sub-points, in our own words.
    subpoints = models.JSONField(default=list, blank=True)
    source_url = models.URLField(blank=True, default="")
    # The list version that added it.
    added_in = models.PositiveIntegerField(default=1, db_default=1)
    status = models.CharField(
        max_length=7, choices=Status.choices, default=Status.ACTIVE, db_default="active"
    )
    # 1, +1 per rewording; each earlier wording is kept as a TheoryRevision, and a rating notes
    # the revision it was given on (ratings.Rating.revision).
    revision = models.PositiveIntegerField(default=1, db_default=1)
    # A retired item may point its raters to the item that takes its place.
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "theories"
        constraints = [
            models.UniqueConstraint(fields=["longlist", "number"], name="theory_number_in_list"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "retired"]), name="theory_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class TheoryRevision(models.Model):
    """An earlier wording of an item: the text raters saw when they gave the ratings that carry
    this revision number. The current wording is the item's own."""

    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theory", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["theory", "revision"], name="theory_revision_unique"),
        ]


class LonglistChange(models.Model):
    """One entry of a list's change log: the list was created, or an item added (rewording and
    retiring come with the proposals issue). `before` / `after` are the texts
    ({"title", "summary"}), null where there is none."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        ADDED = "added", "Added"
        REWORDED = "reworded", "Reworded"
        RETIRED = "retired", "Retired"

    longlist = models.ForeignKey(Longlist, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    item = models.ForeignKey(
        Theory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "added", "reworded", "retired"]),
                name="longlist_change_kind_valid",
            ),
        ]


class Proposal(models.Model):
    """An item someone suggested for a list (issue 22): pending until the owner decides, or
    accepted at once on an "open" list. Accepting adds the item (`item`) as the owner adding it
    would. `title_key` is the title with case and spaces ignored (theories.items.title_key): the
    database keeps one pending proposal per title and list."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    longlist = models.ForeignKey(Longlist, on_delete=models.CASCADE, related_name="proposals_made")
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(max_length=200)
    title_key = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="", max_length=2000)
    why = models.TextField(blank=True, default="", max_length=2000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, default="", max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey(
        Theory, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["longlist", "title_key"],
                condition=Q(status="pending"),
                name="proposal_one_pending_per_title",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "rejected"]),
                name="proposal_status_valid",
            ),
            # Decided means decided by someone at some time; accepted means an item was added.
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="proposal_decided_has_time",
            ),
        ]
        indexes = [models.Index(fields=["proposer", "created_at"], name="proposal_per_day")]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"
