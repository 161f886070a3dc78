from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from discussion.services import comments_of_author_delete
from groups.models import GuestToken, Membership, Participant
from impactboard.cache import fail_open
from impactboard.errors import Conflict, DomainError
from rankings.scope import Scope
from rankings.selectors import round_scope
from rankings.services import rankings_mark_stale

from .models import ForYouSeen


class UsernameTaken(DomainError):
    """Someone else signed up with this name first: the API's 400 on `username`."""

    def __init__(self) -> None:
        super().__init__({"username": ["That username is taken."]})


def user_create(*, username: str, password: str) -> User:
    """Create an account (the password has already passed Django's validators)."""
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, password=password)
    except IntegrityError as exc:  # two sign-ups for one name at the same instant
        raise UsernameTaken from exc


def guest_claim(*, guest: GuestToken, username: str, password: str) -> User:
    """Turn the guest's account into an ordinary one: the participation, its ratings, history and
    comments stay where they are. The guest credential stops working."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=guest.participant_id)
        user = participant.user
        assert user is not None  # a guest always has its guest account
        user.username = username
        user.first_name = ""
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # someone signed up with that name at this instant
            raise UsernameTaken from exc
        participant.kind = Participant.Kind.MEMBER
        participant.name = username
        participant.save(update_fields=["kind", "name"])
        GuestToken.objects.filter(pk=guest.pk).delete()
    return user


def token_for(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_revoke(*, user: User) -> bool:
    """Delete the user's API token, so that it authenticates nothing from now on; the next
    POST /api/v1/auth/token/ issues a new one. True if there was a token to revoke."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0


class EmailTaken(DomainError):
    """Another account already uses this address (compared without case)."""

    def __init__(self) -> None:
        super().__init__({"email": ["Another account uses that e-mail address."]})


class AccountStillNeeded(Conflict):
    """The account is the only facilitator of a group that has other members."""


def user_email_set(*, user: User, email: str) -> User:
    """Set (or clear, with "") the account's e-mail. The database's unique index on the
    lower-cased address settles two accounts claiming one address at the same instant."""
    user.email = email.strip()
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as exc:
        raise EmailTaken from exc
    return user


EMAIL_CONFIRM_SALT = "accounts.email-confirm"


class EmailLinkInvalid(DomainError):
    """A confirmation link that is forged, too old, or for a change the account has moved on
    from (its address changed since the link was sent)."""

    def __init__(self) -> None:
        super().__init__("This link does not work (any more): ask for a new one.")


def email_change_request(*, user: User, email: str, absolute: Callable[[str], str]) -> None:
    """Someone signed in as `user` asks for `email` to become the account's address. Whatever
    the answer, the caller says the same thing ("we sent a message to …"): exactly one message
    goes to `email` either way, so neither the page nor its timing tells whether the address
    already has an account (issue 23; Django's password reset does the same).

    - a free address gets a link that adds it (`email_change_confirm`), valid for
      PASSWORD_RESET_TIMEOUT seconds and only while the account's address is what it was;
    - an address another account uses gets a note saying so, with the password reset link:
      only its owner reads it.

    `absolute` turns a path into a full URL (the request's `build_absolute_uri`)."""
    email = email.strip()
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    context: dict[str, Any] = {"username": user.get_username(), "email": email}
    if taken:
        context["reset_url"] = absolute(reverse("password_reset"))
        template = "registration/email_taken_email.txt"
    else:
        token = signing.dumps(
            {"u": user.pk, "e": email, "c": user.email}, salt=EMAIL_CONFIRM_SALT, compress=True
        )
        context["confirm_url"] = absolute(reverse("email_confirm", kwargs={"token": token}))
        template = "registration/email_confirm_email.txt"
    send_mail(
        subject="Your e-mail address on ImpactBoard",
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[email],
    )


def email_change_pending(*, token: str) -> tuple[User, str]:
    """The account and the address a confirmation link names, or EmailLinkInvalid."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_CONFIRM_SALT, max_age=settings.PASSWORD_RESET_TIMEOUT
        )
        user_id, email, current = int(payload["u"]), str(payload["e"]), str(payload["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise EmailLinkInvalid from exc
    user = User.objects.filter(pk=user_id, email=current).first()
    if user is None:  # the account is gone, or its address changed since: a stale link
        raise EmailLinkInvalid
    return user, email


def email_change_confirm(*, token: str) -> User:
    """Follow a confirmation link: the account's address becomes the one the link was sent to.
    The reader proved they read that mailbox, so here (only) a taken address may be named:
    EmailTaken if another account took it meanwhile (the unique index decides)."""
    user, email = email_change_pending(token=token)
    return user_email_set(user=user, email=email)


def _former_member_save(participant: Participant) -> None:
    """Save a participant detached from its account as "former member k", k counted within
    its group (1, 2, ...; never a database id). The name is unique among the group's people
    without an account (a constraint): if another deletion took k at this instant, the next
    number is tried."""
    taken = Participant.objects.filter(
        group_id=participant.group_id, user__isnull=True, name__startswith="former member "
    ).count()
    for k in range(taken + 1, taken + 50):
        participant.name = f"former member {k}"
        try:
            with transaction.atomic():
                participant.save(update_fields=["user", "name", "counts_globally"])
            return
        except IntegrityError:
            continue
    raise IntegrityError("no free 'former member' name")


def account_delete(*, user: User, keep_ratings: bool) -> None:
    """Delete the account. Its comments become "[deleted]" placeholders in their threads. Its
    ratings are either removed (with their history; the group, round and global rankings are
    marked stale in this transaction) or kept anonymously: each participant is detached from the
    account and renamed "former member N". Refused while the account is the only facilitator of
    a group with other members: promote someone first (or delete the group)."""
    with transaction.atomic():
        # Locks the account's memberships, so that a promotion racing this is seen or waits.
        mine = list(
            Membership.objects.select_for_update().filter(user=user).select_related("group")
        )
        stranded = [
            m.group.name
            for m in mine
            if m.role == Membership.Role.FACILITATOR
            and not Membership.objects.filter(group=m.group, role=Membership.Role.FACILITATOR)
            .exclude(user=user)
            .exists()
            and Membership.objects.filter(group=m.group).exclude(user=user).exists()
        ]
        if stranded:
            raise AccountStillNeeded(
                "You are the only facilitator of "
                + ", ".join(f"“{name}”" for name in sorted(stranded))
                + ": make another member a facilitator (or delete the group) first."
            )
        comments_of_author_delete(user=user)
        participants = list(Participant.objects.filter(user=user).select_related("group"))
        if keep_ratings:
            # Keeping the ratings must change no count: the group's stays (the participant
            # stays), and the global ranking's too. That counts a participant with no account
            # as it counts an imported one, so one who did not count there (a self-joined
            # member, or one who had left the group) is marked to go on counting in the group
            # only; an invited member's ratings go on counting as they did.
            invited = {m.group_id for m in mine if m.via_invite}
            for p in participants:
                p.user = None
                p.counts_globally = p.counts_globally and p.group_id in invited
                _former_member_save(p)
        else:
            stale: set[Scope] = set()
            for p in participants:
                rounds = p.submissions.values_list("round", flat=True).distinct()
                stale.add(Scope.group(p.group.pk))
                stale.update(round_scope(group=p.group, number=n) for n in rounds)
                if p.group.is_public:
                    stale.add(Scope.global_())
            Participant.objects.filter(pk__in=[p.pk for p in participants]).delete()
            if stale:
                rankings_mark_stale(scopes=sorted(stale, key=lambda s: s.key))
        user.delete()


def for_you_mark_seen(*, user: User) -> None:
    """Everything in the person's "for you" list until now is read (an upsert: two tabs at once
    leave one row)."""
    ForYouSeen.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})
    fail_open("for-you count", lambda: cache.delete(for_you_count_key(user.pk)), None)


def for_you_count_key(user_id: int) -> str:
    return f"for-you-unread:{user_id}"
