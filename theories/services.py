"""Writes of longlists and their items. Every change to a list's items raises its version and
appends one entry to its change log, in the transaction that makes the change, with the list's
row locked (so two additions never take one number or one version)."""

import secrets

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from impactboard.errors import Conflict, DomainError

from .items import MAX_ITEMS, ItemsInvalid, ItemText, items_check
from .longlist import DEFAULT_DESCRIPTION, DEFAULT_TITLE
from .models import DEFAULT_LONGLIST_SLUG, Longlist, LonglistChange, Theory, TheoryRevision


class LonglistInvalid(DomainError):
    """Bad items or fields (400), in DRF's field shape: {"items": ["Item 3: ...", ...]}."""

    def __init__(self, field: str, messages: list[str]) -> None:
        super().__init__({field: messages})


def longlist_default_get() -> Longlist:
    """The default list (the 20 theories), created empty if a database has none yet (a flushed
    test database; the migrations make it everywhere else)."""
    longlist, _ = Longlist.objects.get_or_create(
        is_default=True,
        defaults={
            "slug": DEFAULT_LONGLIST_SLUG,
            "title": DEFAULT_TITLE,
            "description": DEFAULT_DESCRIPTION,
            "visibility": Longlist.Visibility.PUBLIC,
        },
    )
    return longlist


def _free_slugs(bases: list[str], *, model: type[Theory] | type[Longlist]) -> list[str]:
    """One free slug per base (`base`, `base-2`, `base-3`, ...), distinct among themselves too.
    A slug taken at this very instant by someone else fails the unique constraint; the caller
    retries."""
    taken: set[str] = set()
    for base in set(bases):
        taken.update(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base[: 80 - len(str(n)) - 1]}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _item_base(title: str) -> str:
    return slugify(title)[:70].strip("-") or "item"


def _texts(item: ItemText) -> dict[str, str]:
    return {"title": item.title, "summary": item.summary}


def longlist_create(
    *,
    user: User,
    title: str,
    items: list[ItemText],
    description: str = "",
    visibility: str = Longlist.Visibility.PUBLIC,
    forked_from: Longlist | None = None,
) -> Longlist:
    """A new list owned by `user` with `items` numbered 1, 2, 3, ... (version 1, one "created"
    entry). All or nothing: bad items raise LonglistInvalid naming them, and nothing is saved."""
    title = " ".join(title.split())
    if not title:
        raise LonglistInvalid("title", ["The list needs a title."])
    if len(title) > 200:
        raise LonglistInvalid("title", ["At most 200 characters."])
    if len(description) > 2000:
        raise LonglistInvalid("description", ["At most 2,000 characters."])
    try:
        checked = items_check(items)
    except ItemsInvalid as exc:
        raise LonglistInvalid("items", exc.messages) from exc
    for attempt in range(5):
        try:
            with transaction.atomic():
                base = slugify(title)[:60].strip("-") or "list"
                slug = base if attempt == 0 else f"{base}-{secrets.token_hex(3)}"
                longlist = Longlist.objects.create(
                    slug=_free_slugs([slug], model=Longlist)[0],
                    title=title,
                    description=description,
                    owner=user,
                    visibility=visibility,
                    version=1,
                    last_number=len(checked),
                    forked_from=forked_from,
                )
                slugs = _free_slugs([_item_base(i.title) for i in checked], model=Theory)
                Theory.objects.bulk_create(
                    Theory(
                        longlist=longlist,
                        number=number,
                        slug=slug,
                        title=item.title,
                        summary=item.summary,
                        added_in=1,
                    )
                    for number, (item, slug) in enumerate(zip(checked, slugs, strict=True), 1)
                )
                LonglistChange.objects.create(
                    longlist=longlist,
                    version=1,
                    kind=LonglistChange.Kind.CREATED,
                    by=user,
                    after={"title": title, "items": len(checked)},
                )
                return longlist
        except IntegrityError:
            continue  # a slug was taken at this very instant: try again
    raise RuntimeError("could not find free slugs")


def longlist_fork(
    *, user: User, source: Longlist, title: str | None = None, visibility: str | None = None
) -> Longlist:
    """A copy of `source`'s active items' current texts (never its ratings), owned by `user`."""
    items = [
        ItemText(title=t.title, summary=t.summary)
        for t in source.items.filter(status=Theory.Status.ACTIVE).order_by("number")
    ]
    return longlist_create(
        user=user,
        title=title or f"{source.title} (copy)"[:200],
        description=source.description,
        visibility=visibility or source.visibility,
        items=items,
        forked_from=source,
    )


def longlist_update(*, longlist: Longlist, **fields: object) -> Longlist:
    """Change the list's title, description, visibility or proposals. A list that a public group
    rates stays public: going private would leave the group showing a private list's items."""
    allowed = {"title", "description", "visibility", "proposals"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {sorted(unknown)}")
    if "title" in fields:
        title = " ".join(str(fields["title"]).split())
        if not title:
            raise LonglistInvalid("title", ["The list needs a title."])
        fields["title"] = title
    if fields.get("visibility") == Longlist.Visibility.PRIVATE:
        if longlist.is_default:
            raise LonglistInvalid("visibility", ["The default list stays public."])
        if longlist.groups.filter(visibility="public").exists():
            raise Conflict({"visibility": ["A public group rates this list, so it stays public."]})
    for name, value in fields.items():
        setattr(longlist, name, value)
    longlist.save(update_fields=list(fields))
    return longlist


def longlist_item_add(*, longlist: Longlist, by: User, title: str, summary: str = "") -> Theory:
    """Add one item, numbered after the highest number the list ever used; the list's version
    rises by one and the change log says "added"."""
    with transaction.atomic():
        locked = Longlist.objects.select_for_update().get(pk=longlist.pk)
        existing = list(locked.items.values_list("title", flat=True))
        if len(existing) >= MAX_ITEMS:
            raise LonglistInvalid("title", [f"A list holds at most {MAX_ITEMS} items."])
        try:
            (item,) = items_check([ItemText(title=title, summary=summary)], existing=existing)
        except ItemsInvalid as exc:
            raise LonglistInvalid(
                "title", [m.removeprefix("Item 1: ") for m in exc.messages]
            ) from exc
        Longlist.objects.filter(pk=locked.pk).update(
            version=F("version") + 1, last_number=F("last_number") + 1
        )
        locked.refresh_from_db(fields=["version", "last_number"])
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    theory = Theory.objects.create(
                        longlist=locked,
                        number=locked.last_number,
                        slug=_free_slugs([_item_base(item.title)], model=Theory)[0],
                        title=item.title,
                        summary=item.summary,
                        added_in=locked.version,
                    )
                    break
            except IntegrityError:
                continue  # its slug was taken at this very instant
        else:
            raise RuntimeError("could not find a free slug")
        LonglistChange.objects.create(
            longlist=locked,
            version=locked.version,
            kind=LonglistChange.Kind.ADDED,
            item=theory,
            by=by,
            after=_texts(item),
        )
    longlist.version, longlist.last_number = locked.version, locked.last_number
    return theory


def _change_logged(
    *, longlist: Longlist, kind: str, item: Theory, by: User, before: object, after: object
) -> int:
    """Raise the (locked) list's version by one and log the change under it; the new version."""
    Longlist.objects.filter(pk=longlist.pk).update(version=F("version") + 1)
    longlist.refresh_from_db(fields=["version"])
    LonglistChange.objects.create(
        longlist=longlist, version=longlist.version, kind=kind, item=item, by=by,
        before=before, after=after,
    )  # fmt: skip
    return longlist.version


def longlist_item_reword(
    *, item: Theory, by: User, title: str | None = None, summary: str | None = None
) -> Theory:
    """Reword an item: its ratings stay (each notes the revision it was given on, so its rater
    sees "reworded since you rated"), its earlier text is kept as a TheoryRevision, its revision
    rises by one, and the change log keeps both texts. The slug (and so every URL) stays. The
    same text again changes nothing."""
    with transaction.atomic():
        locked = Longlist.objects.select_for_update().get(pk=item.longlist_id)
        current = Theory.objects.select_for_update().get(pk=item.pk)
        others = list(locked.items.exclude(pk=current.pk).values_list("title", flat=True))
        wanted = ItemText(
            title=current.title if title is None else title,
            summary=current.summary if summary is None else summary,
        )
        try:
            (checked,) = items_check([wanted], existing=others)
        except ItemsInvalid as exc:
            messages = [m.removeprefix("Item 1: ") for m in exc.messages]
            field = "summary" if all("summary" in m for m in messages) else "title"
            raise LonglistInvalid(field, messages) from exc
        before = {"title": current.title, "summary": current.summary}
        if _texts(checked) == before:
            return current
        TheoryRevision.objects.create(theory=current, revision=current.revision, **before)
        current.title, current.summary = checked.title, checked.summary
        current.revision += 1
        current.save(update_fields=["title", "summary", "revision"])
        _change_logged(
            longlist=locked, kind=LonglistChange.Kind.REWORDED, item=current, by=by,
            before=before, after=_texts(checked),
        )  # fmt: skip
    return current


def longlist_item_retire(*, item: Theory, by: User, replaced_by: Theory | None = None) -> Theory:
    """Retire an item: it takes no new score and leaves the rankings, but keeps its ratings, its
    thread and its number (never given again). `replaced_by`, an active item of the same list,
    is where the page points its raters (their old score is offered there, never copied)."""
    with transaction.atomic():
        locked = Longlist.objects.select_for_update().get(pk=item.longlist_id)
        current = Theory.objects.select_for_update().get(pk=item.pk)
        if current.status == Theory.Status.RETIRED:
            raise Conflict({"status": ["This item is already retired."]})
        if replaced_by is not None and (
            replaced_by.longlist_id != locked.pk
            or replaced_by.pk == current.pk
            or replaced_by.status != Theory.Status.ACTIVE
        ):
            raise LonglistInvalid(
                "replaced_by", ["The replacement must be another active item of this list."]
            )
        current.status, current.replaced_by = Theory.Status.RETIRED, replaced_by
        current.save(update_fields=["status", "replaced_by"])
        _change_logged(
            longlist=locked, kind=LonglistChange.Kind.RETIRED, item=current, by=by,
            before=_texts(ItemText(title=current.title, summary=current.summary)),
            after=(
                {"replaced_by": replaced_by.pk, "title": replaced_by.title}
                if replaced_by is not None
                else None
            ),
        )  # fmt: skip
    return current
