"""Changes of mind between two rounds of a group (Delphi style), from the scores that stood at
the end of each round: who moved, by how much, toward or away from the first round's median,
and whether the move named an argument. Pure: the caller reads the scores
(`ratings.selectors.rounds.round_scores`) and the list's items."""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .ranking import TheoryLike

#: (participant id, theory id, round, score, cited): one score that stood at the end of a round.
RoundScore = tuple[int, int, int, int, bool]


@dataclass(frozen=True)
class Move:
    participant: int
    theory: int
    before: int
    after: int
    median_before: float
    cited: bool

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def toward(self) -> bool:
        return abs(self.after - self.median_before) < abs(self.before - self.median_before)

    @property
    def away(self) -> bool:
        return abs(self.after - self.median_before) > abs(self.before - self.median_before)


def _pairs(
    scores: Iterable[RoundScore], *, first: int, last: int
) -> tuple[dict[int, list[Move]], dict[int, float]]:
    """The moves by theory id (participants who rated it in both rounds) and round `first`'s
    median of each theory."""
    before: dict[tuple[int, int], int] = {}
    after: dict[tuple[int, int], tuple[int, bool]] = {}
    by_theory_first: dict[int, list[int]] = {}
    for participant, theory, number, score, cited in scores:
        if number == first:
            before[(participant, theory)] = score
            by_theory_first.setdefault(theory, []).append(score)
        if number == last:
            after[(participant, theory)] = (score, cited)
    medians = {t: float(statistics.median(s)) for t, s in by_theory_first.items()}
    pairs: dict[int, list[Move]] = {}
    for key, score_before in before.items():
        if key not in after:
            continue
        score_after, cited = after[key]
        pairs.setdefault(key[1], []).append(
            Move(
                participant=key[0],
                theory=key[1],
                before=score_before,
                after=score_after,
                median_before=medians[key[1]],
                cited=cited and score_after != score_before,
            )
        )
    return pairs, medians


def changes_of_mind(
    scores: Iterable[RoundScore], theories: Sequence[TheoryLike], *, first: int, last: int
) -> dict[str, Any]:
    """The contract's changes of mind from round `first` to round `last`: one row per theory of
    `theories` (in the order given) over the pairs, and a summary that tells conformity (moves
    toward round `first`'s median) from persuasion (moves that name an argument)."""
    pairs, medians = _pairs(scores, first=first, last=last)
    rows: list[dict[str, Any]] = []
    for entry in theories:
        theory_pairs = pairs.get(entry.id, [])
        moves = [m for m in theory_pairs if m.change != 0]
        rows.append(
            {
                "theory": {"id": entry.id, "number": entry.number, "title": entry.title},
                "pairs": len(theory_pairs),
                "moved": len(moves),
                "mean_change": (
                    statistics.fmean(m.change for m in theory_pairs) if theory_pairs else None
                ),
                "toward": sum(m.toward for m in moves),
                "away": sum(m.away for m in moves),
                "cited": sum(m.cited for m in moves),
                "mean_from": (
                    statistics.fmean(m.before for m in theory_pairs) if theory_pairs else None
                ),
                "mean_to": statistics.fmean(m.after for m in theory_pairs)
                if theory_pairs
                else None,
                "median_from": medians.get(entry.id),
                "lines": [[m.before, m.after] for m in theory_pairs],
            }
        )
    every_move = [m for ms in pairs.values() for m in ms if m.change != 0]
    summary: dict[str, Any] = {
        "pairs": sum(r["pairs"] for r in rows),
        "moved": len(every_move),
        "movers": len({m.participant for m in every_move}),
        "toward": sum(r["toward"] for r in rows),
        "away": sum(r["away"] for r in rows),
        "cited": sum(r["cited"] for r in rows),
        "mean_abs_change": (
            statistics.fmean(abs(m.change) for m in every_move) if every_move else None
        ),
    }
    summary["sentences"] = changes_sentences(summary, first=first, last=last)
    return {"from": first, "to": last, "summary": summary, "results": rows}


def changes_sentences(summary: dict[str, Any], *, first: int, last: int) -> list[str]:
    """Plain words for the changes summary. Conformity (a move toward the median) and
    persuasion (a move that names an argument) are counted apart: they are not the same."""
    if first == last:
        return [f"Only round {first} so far: nothing to compare yet."]
    if not summary["pairs"]:
        return [f"Nobody has rated a theory in both round {first} and round {last} yet."]
    moved, pairs = summary["moved"], summary["pairs"]
    if not moved:
        return [f"Of {pairs} ratings given in both rounds, none changed."]
    people = summary["movers"]
    return [
        (
            f"{people} {'person' if people == 1 else 'people'} changed {moved} of {pairs} ratings "
            f"between round {first} and round {last}, by {summary['mean_abs_change']:.1f} points "
            "on average."
        ),
        (
            f"{summary['toward']} of the {moved} moves went toward round {first}'s median and "
            f"{summary['away']} away from it."
        ),
        f"{summary['cited']} of the {moved} moves named an argument that moved them.",
    ]
