import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from theories.models import Theory

GLOBAL_SCOPE = "global"


def new_join_code() -> str:
    return secrets.token_urlsafe(12)


class DiscussionGroup(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    class Listing(models.TextChoices):
        """Whether the group counts in the global ranking: its facilitator asks, staff decide
        (docs/decisions/global-ranking-integrity.md)."""

        UNLISTED = "unlisted", "Not listed"
        REQUESTED = "requested", "Listing requested"
        LISTED = "listed", "Listed"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    visibility = models.CharField(
        max_length=7, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_code = models.CharField(max_length=32, default=new_join_code)
    ratings_open = models.BooleanField(default=True)
    # When and by whom ratings were last closed, so that the rate page can say so. Kept when
    # ratings reopen (the page only shows them while closed).
    ratings_closed_at = models.DateTimeField(null=True, blank=True)
    ratings_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "Hide results until you have rated": nobody anchors on the group's answers. On for new
    # groups; the facilitator can reveal the results to all by turning it off.
    results_hidden = models.BooleanField(default=True)
    # "Join with just a name" through the invite link: the facilitator's choice. On by default for
    # private groups (a room shares one link), off for public ones (see group_create).
    guests_allowed = models.BooleanField(default=False, db_default=False)
    # The open round's number (see Round): kept on the group so that a submission, which has
    # the group in hand already, knows its round without a query.
    current_round = models.PositiveSmallIntegerField(default=1, db_default=1)
    listing = models.CharField(
        max_length=9, choices=Listing.choices, default=Listing.UNLISTED, db_default="unlisted"
    )
    listing_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="group_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(listing__in=["unlisted", "requested", "listed"]),
                name="group_listing_valid",
            ),
            # Only a public group can be listed or ask to be.
            models.CheckConstraint(
                condition=Q(visibility="public") | Q(listing="unlisted"),
                name="group_listing_public_only",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def scope(self) -> str:
        return f"group:{self.pk}"

    @property
    def feeds_global(self) -> bool:
        """Whether this group's global-eligible ratings count in the global ranking (and so in
        the home page and every theory's "all public groups"): the rule of GLOBAL_FEED."""
        return (
            self.is_public
            and self.listing == self.Listing.LISTED
            and (not self.results_hidden or not self.ratings_open)
        )


# The groups summed into the global ranking: public, listed by staff, and not hiding results
# while ratings are open (a hiding group's ratings must not be recoverable by differencing an
# aggregate; they feed it once revealed or closed). DiscussionGroup.feeds_global says the same.
GLOBAL_FEED = (
    Q(visibility="public") & Q(listing="listed") & (Q(results_hidden=False) | Q(ratings_open=False))
)


class Round(models.Model):
    """A phase of a group's rating, as in a Delphi study: rate, see the feedback, argue, rate
    again. Every group has round 1 from its creation; at most one round is open at a time."""

    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(closed_at__isnull=True), name="round_one_open"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
        ]

    def __str__(self) -> str:
        return f"round {self.number} of {self.group}"


class Membership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        MEMBER = "member", "Member"

    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=11, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Joined through the group's invitation (invite link or join code), or created it: such a
    # member's ratings count in the global ranking once the group is listed. A self-join from
    # the list of public groups counts in the group only.
    via_invite = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["facilitator", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"


class Participant(models.Model):
    """Whoever rates inside a group: a member's account, a guest who joined through the invite
    with just a name, or a named person without an account (imported from a spreadsheet).
    Ratings hang off participants, never off users.

    A guest's `user` is a guest account (unusable password, see `ratings.guests`): it can never
    sign in, and it authenticates only on its own group's URLs, through the guest cookie or the
    guest API token. Giving the guest a user lets every existing rule (membership, hiding,
    comment authorship, history) apply unchanged, and a claim is a rename of that account."""

    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        GUEST = "guest", "Guest"
        IMPORTED = "imported", "Imported"

    group = models.ForeignKey(
        DiscussionGroup, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.MEMBER, db_default=Kind.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["member", "guest", "imported"]), name="participant_kind_valid"
            ),
            # Two guests cannot take one name in a group, whatever the case, even at one instant.
            models.UniqueConstraint(
                Lower("name"),
                "group",
                condition=Q(kind="guest"),
                name="participant_guest_name_unique",
            ),
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(user__isnull=False),
                name="participant_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["group", "name"],
                condition=Q(user__isnull=True),
                name="participant_named_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """A participant's current score for one theory. `group` repeats participant.group so that
    the per-scope GROUP BY reads one table through one index."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings")
    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="ratings")
    theory = models.ForeignKey(Theory, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    rationale = models.CharField(max_length=280, blank=True, default="")
    updated_at = models.DateTimeField()
    # The round it was submitted in.
    round = models.PositiveSmallIntegerField(default=1, db_default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "theory"], name="rating_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=10), name="rating_score_1_to_10"
            ),
        ]
        indexes = [models.Index(fields=["group", "theory", "score"], name="rating_histogram")]


class Submission(models.Model):
    """Append-only record of one save. Never updated, never deleted by a later save."""

    class Source(models.TextChoices):
        PAGE = "page", "Rating page"
        API = "api", "API"
        IMPORT = "import", "Spreadsheet import"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="submissions"
    )
    group = models.ForeignKey(DiscussionGroup, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=6, choices=Source.choices)
    note = models.CharField(max_length=255, blank=True, default="")
    # The group's round open at the time.
    round = models.PositiveSmallIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "round", "participant"], name="submission_round"),
        ]


class SubmissionItem(models.Model):
    """One theory's value in a submission; a null score records that the rating was removed."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="items")
    theory = models.ForeignKey(Theory, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True)
    rationale = models.CharField(max_length=280, blank=True, default="")
    # The argument that moved this change, if the rater named one. Comments are only ever
    # soft-deleted; SET_NULL covers the rare hard delete (an account or a group removed).
    moved_by = models.ForeignKey(
        "discussion.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "theory"], name="item_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=10)),
                name="item_score_null_or_1_to_10",
            ),
        ]


class Ranking(models.Model):
    """The stored aggregate of one scope: `global` or `group:<id>`. Derived data: rebuilt from
    ratings by `ranking_recompute`; reading it never aggregates."""

    scope = models.CharField(max_length=40, unique=True)
    group = models.OneToOneField(
        DiscussionGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="ranking"
    )
    version = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)
    raters = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list)
    # A group's ranking only: the ten-bin histograms (by theory id) and the raters of its
    # global-eligible participants (imported ones, and members who joined by invitation). The
    # global ranking sums these over the groups that feed it.
    global_histograms = models.JSONField(default=dict)
    global_raters = models.PositiveIntegerField(default=0)
    # Ranking-level figures: agreement, the notable theory, the methods used.
    summary = models.JSONField(default=dict)


class RankingRequest(models.Model):
    """Outbox: 'this scope's ranking is stale', written in the submission's own transaction so
    that the intent survives a broker outage. The recompute deletes what it has covered."""

    scope = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class GuestToken(models.Model):
    """The credential of one guest participant: the API token (`Authorization: Token <key>`) and,
    signed, the guest cookie of the pages. It authenticates only on its group's URLs; deleting it
    (a facilitator removes the guest, or the guest claims an account) ends both at once."""

    key = models.CharField(max_length=40, unique=True)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="guest_token"
    )
    created_at = models.DateTimeField(auto_now_add=True)
