"""The Scope value: the one code that spells a ranking's stored key. The stored strings are data
in every existing database, cache and queued task, so they are pinned here as literals."""

import pytest

from rankings.scope import Scope


@pytest.mark.parametrize(
    ("scope", "key"),
    [
        (Scope.global_(), "global"),
        (Scope.group(12), "group:12"),
        (Scope.round(12, 3), "round:12:3"),
    ],
)
def test_each_scope_keeps_the_key_it_has_always_been_stored_under(scope: Scope, key: str) -> None:
    assert scope.key == key
    assert str(scope) == key
    assert Scope.parse(key) == scope


def test_scopes_are_values_that_a_set_and_a_dict_can_hold() -> None:
    assert {Scope.group(1), Scope.parse("group:1"), Scope.global_()} == {
        Scope.global_(),
        Scope.group(1),
    }
    assert Scope.group(1) != Scope.round(1, 1)


def test_only_the_global_ranking_is_global_and_only_a_groups_own_is_a_group() -> None:
    assert Scope.global_().is_global and not Scope.global_().is_group
    assert Scope.group(4).is_group and not Scope.group(4).is_global
    assert not Scope.round(4, 2).is_group and not Scope.round(4, 2).is_global
    assert Scope.round(4, 2).group_id == 4 and Scope.round(4, 2).number == 2


def test_the_prefixes_match_the_keys_they_select() -> None:
    assert Scope.group(7).key.startswith(Scope.GROUP_PREFIX)
    assert not Scope.round(7, 1).key.startswith(Scope.GROUP_PREFIX)
    assert Scope.round(7, 2).key.startswith(Scope.rounds_prefix(7))
    assert not Scope.round(70, 2).key.startswith(Scope.rounds_prefix(7))


@pytest.mark.parametrize(
    "key",
    [
        "",
        "Global",
        "group:",
        "group:x",
        "group:-1",
        "group:1:2",
        "round:1",
        "round:1:0",
        "round:a:1",
        "list:3",
        "longlist:",
        "longlist:x",
        "longlist:1:2",
        " group:1",
        "group:1 ",
        "group:²",
    ],
)
def test_a_key_that_names_no_scope_is_refused(key: str) -> None:
    with pytest.raises(ValueError):
        Scope.parse(key)


def test_a_scope_whose_ids_do_not_fit_its_kind_cannot_be_made() -> None:
    with pytest.raises(ValueError):
        Scope.round(1, 0)
    with pytest.raises(ValueError):
        Scope(Scope.global_().kind, group_id=3)
    with pytest.raises(ValueError):
        Scope(Scope.group(1).kind)


def test_a_lists_own_global_scope_is_global_and_round_trips_through_its_key() -> None:
    scope = Scope.longlist(3)
    assert scope.key == "longlist:3"
    assert Scope.parse("longlist:3") == scope
    assert scope.is_global and not scope.is_group
    assert scope != Scope.global_() and scope.group_id is None
