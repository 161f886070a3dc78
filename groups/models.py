"""Groups and who is in them: the group itself, memberships (a user with a role), participants
(whoever rates: a member, a guest, an imported person) and guests' credentials.

The tables keep their names from when these models lived in `ratings` (db_table), so an existing
database moved here without a change of data (groups/migrations/0001_initial.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from theories.models import Longlist


def new_join_code() -> str:
    return secrets.token_urlsafe(12)


MAX_GROUP_SIZE = 10_000  # the most a facilitator may set


# The spoken code: read aloud in a room and typed at /groups/invite-code/. No look-alikes (no 0/O,
# 1/I/L), upper case only (lookups ignore case). 31**8 ≈ 8.5e11 codes: as hard to guess by
# chance as a short secret can be, while "K7MP-2QXR" is still easy to say.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def short_code_normalise(raw: str) -> str | None:
    """The stored form of a typed short code ("k7mp 2qxr", "K7MP-2QXR" -> "K7MP2QXR"), or None
    when it cannot be one (wrong length or a character outside the alphabet)."""
    code = "".join(ch for ch in raw.upper() if ch not in " -")
    if len(code) != SHORT_CODE_LENGTH or any(ch not in SHORT_CODE_ALPHABET for ch in code):
        return None
    return code


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
    # The invitation said aloud: leads to the same invite page as the join code, and is
    # replaced with it (group_invite_rotate).
    short_code = models.CharField(max_length=8, unique=True, default=new_short_code)
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
    # The list the group rates: chosen at creation (the default list unless the facilitator picks
    # another), changeable only while the group has no rating (groups.services.group_update).
    longlist = models.ForeignKey(Longlist, on_delete=models.PROTECT, related_name="groups")
    # How many people the group takes (members and newcomers waiting for approval), which its
    # facilitator sets: generous by default, so that no room is turned away, yet a ceiling on
    # what one invite code shared too widely can bring in (issue 23).
    max_members = models.PositiveIntegerField(default=100, db_default=100)
    # "Approve newcomers": who joins waits in a queue (JoinRequest) the facilitator approves on
    # "Run the group"; until then they cannot rate, comment or read as a member.
    approve_newcomers = models.BooleanField(default=False, db_default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ratings_discussiongroup"
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
            models.CheckConstraint(
                condition=Q(max_members__gte=2, max_members__lte=MAX_GROUP_SIZE),
                name="group_max_members_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def short_code_display(self) -> str:
        """ "K7MP-2QXR": two halves are easier to read out and to type."""
        half = len(self.short_code) // 2
        return f"{self.short_code[:half]}-{self.short_code[half:]}"

    @property
    def feeds_global(self) -> bool:
        """Whether this group's global-eligible ratings count in the global ranking (and so in
        the home page and every theory's "all public groups"): the rule of GLOBAL_FEED."""
        return self.feeds_list and self.longlist.is_default

    @property
    def feeds_list(self) -> bool:
        """Whether it counts in the global ranking of the list it rates (LIST_FEED): the rule
        of the global ranking, for any list."""
        return (
            self.is_public
            and self.listing == self.Listing.LISTED
            and (not self.results_hidden or not self.ratings_open)
        )


# The groups summed into the global ranking: public, listed by staff, and not hiding results
# while ratings are open (a hiding group's ratings must not be recoverable by differencing an
# aggregate; they feed it once revealed or closed), and rating the default list (the global
# ranking is the default list's). DiscussionGroup.feeds_global says the same.
# LIST_FEED is the same rule for the global ranking of any list (GET /longlists/{slug}/rankings/).
LIST_FEED = (
    Q(visibility="public") & Q(listing="listed") & (Q(results_hidden=False) | Q(ratings_open=False))
)
GLOBAL_FEED = LIST_FEED & Q(longlist__is_default=True)


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
        db_table = "ratings_membership"
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["facilitator", "member"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"


class JoinRequest(models.Model):
    """A newcomer waiting for a facilitator's approval (the group approves newcomers). An account
    that asked to join, or a guest (its participant and credential exist, so that it is known
    when it comes back). Approving makes the membership; declining deletes the request (and a
    guest's account)."""

    group = models.ForeignKey(
        DiscussionGroup, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    via_invite = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="join_request_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} waiting for {self.group}"


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
    # False for a former member whose account was deleted with "keep ratings" and whose ratings
    # did not count in the global ranking (a self-joined member, or one who had left): with no
    # account left they would read as imported, which counts, so deleting an account would
    # change a count. True for everyone else (the global ranking's other rules still apply).
    counts_globally = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ratings_participant"
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


class GuestToken(models.Model):
    """The credential of one guest participant: the API token (`Authorization: Token <key>`) and,
    signed, the guest cookie of the pages. It authenticates only on its group's URLs; deleting it
    (a facilitator removes the guest, or the guest claims an account) ends both at once."""

    key = models.CharField(max_length=40, unique=True)
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="guest_token"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ratings_guesttoken"
