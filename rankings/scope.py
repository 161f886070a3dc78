"""Which stored ranking a row of `Ranking` (or an outbox request) is: the global ranking, a
group's current ranking, or one round of a group's. Pure: no Django.

`Scope.key` is the string stored in `Ranking.scope` and `RankingRequest.scope`, and the one the
cache keys, the ETags and the recompute task's argument are made of: `global`, `group:<id>`,
`round:<group id>:<n>`. Those strings are data in every existing database and cache, so they
never change; this module is the only code that writes or reads them.

A list's own global ranking (a list other than the default one) is another global scope, with
its own key (`longlist:<id>`) built and parsed here, and `is_global` true; nothing outside this
module spells a key.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

_GROUP_KEY = re.compile(r"group:([0-9]+)")
_ROUND_KEY = re.compile(r"round:([0-9]+):([0-9]+)")
_LONGLIST_KEY = re.compile(r"longlist:([0-9]+)")


class Kind(StrEnum):
    GLOBAL = "global"
    GROUP = "group"
    ROUND = "round"
    LONGLIST = "longlist"


@dataclass(frozen=True)
class Scope:
    """Build one with `Scope.global_()`, `Scope.group(id)`, `Scope.round(group id, n)` or
    `Scope.parse(key)`; the constructor checks that the ids fit the kind."""

    kind: Kind
    group_id: int | None = None
    number: int | None = None  # a round's number, 1 and up
    longlist_id: int | None = None  # a list's own global ranking (not the default list's)

    GROUP_PREFIX: ClassVar[str] = "group:"
    ROUND_PREFIX: ClassVar[str] = "round:"
    LONGLIST_PREFIX: ClassVar[str] = "longlist:"

    def __post_init__(self) -> None:
        needs = {
            Kind.GLOBAL: (False, False, False),
            Kind.GROUP: (True, False, False),
            Kind.ROUND: (True, True, False),
            Kind.LONGLIST: (False, False, True),
        }
        given = (self.group_id is not None, self.number is not None, self.longlist_id is not None)
        if needs[self.kind] != given:
            raise ValueError(
                f"{self.kind} scope with group {self.group_id}, round {self.number}, "
                f"list {self.longlist_id}"
            )
        if self.number is not None and self.number < 1:
            raise ValueError(f"round {self.number}: rounds are numbered from 1")

    @classmethod
    def global_(cls) -> "Scope":
        return cls(Kind.GLOBAL)

    @classmethod
    def longlist(cls, longlist_id: int) -> "Scope":
        """A (non-default) list's own global ranking; the default list's is `Scope.global_()`."""
        return cls(Kind.LONGLIST, longlist_id=longlist_id)

    @classmethod
    def group(cls, group_id: int) -> "Scope":
        return cls(Kind.GROUP, group_id)

    @classmethod
    def round(cls, group_id: int, number: int) -> "Scope":
        """Round `number` as stored apart. (A group still in round 1 has no round ranking of its
        own: `rankings.selectors.round_scope` says which scope holds a round.)"""
        return cls(Kind.ROUND, group_id, number)

    @classmethod
    def parse(cls, key: str) -> "Scope":
        """The scope a stored key names; ValueError for anything else."""
        if key == Kind.GLOBAL:
            return cls.global_()
        if found := _GROUP_KEY.fullmatch(key):
            return cls.group(int(found[1]))
        if found := _ROUND_KEY.fullmatch(key):
            return cls.round(int(found[1]), int(found[2]))
        if found := _LONGLIST_KEY.fullmatch(key):
            return cls.longlist(int(found[1]))
        raise ValueError(f"not a ranking scope: {key!r}")

    @classmethod
    def rounds_prefix(cls, group_id: int) -> str:
        """The start of every key of the group's round scopes (for a `scope__startswith`)."""
        return f"{cls.ROUND_PREFIX}{group_id}:"

    @property
    def key(self) -> str:
        if self.kind is Kind.GLOBAL:
            return Kind.GLOBAL.value
        if self.kind is Kind.GROUP:
            return f"{self.GROUP_PREFIX}{self.group_id}"
        if self.kind is Kind.LONGLIST:
            return f"{self.LONGLIST_PREFIX}{self.longlist_id}"
        return f"{self.ROUND_PREFIX}{self.group_id}:{self.number}"

    @property
    def is_global(self) -> bool:
        """A ranking of groups: the default list's global ranking or another list's."""
        return self.kind in (Kind.GLOBAL, Kind.LONGLIST)

    @property
    def is_group(self) -> bool:
        """A group's current ranking (not one of its rounds)."""
        return self.kind is Kind.GROUP

    def __str__(self) -> str:
        return self.key


def world_scope(*, longlist_id: int, is_default: bool) -> Scope:
    """The global ranking a group on list `longlist_id` is compared with: its own list's (the
    default list's is the global ranking)."""
    return Scope.global_() if is_default else Scope.longlist(longlist_id)
