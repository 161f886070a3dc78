# ruff: noqa: E501  (SQL reads best unwrapped)
"""Seed the benchmark database fast, in SQL (INSERT … SELECT generate_series), idempotently.

Everything the benchmark creates is namespaced `load-…` (groups, users), so other data in the
same database (the export benchmark's `bench-export` group, for one) is left alone. Layout:

- `groups` public groups `load-0001` … with `members` rated members each (every member has a
  user, a token, a membership, a participant, one submission of 20 items and 20 ratings);
  `load-0001` is the *hot* group of the coalescing/freshness run and also has `PROBES` unrated
  members (the freshness probes); `load-0002` is the 100-member group whose recompute is timed;
- `load-workshop`: `WORKSHOP` members who have not rated yet (the workshop run);
- `load-room` (issue 24, `ensure_room`, added to any seed): the group a thousand viewers watch
  while `ROOM_RATERS` members rate; its `ROOM_PROBES` other members are the freshness probes.
  Unlisted, so that its recomputes do not start the global ranking's: the run measures the
  room's viewers, not the global recompute.

Results are visible without rating (`results_hidden = false`): the rankings are projected live,
and that is the path where a poll is answered from the cache.

Tokens are derived from the username (`token_for`), so the load process needs no lookup.
"""

import hashlib
import time
from dataclasses import dataclass

import psycopg

PROBES = 60
WORKSHOP = 500
HOT_SLUG = "load-0001"
TIMED_SLUG = "load-0002"
WORKSHOP_SLUG = "load-workshop"
ROOM_SLUG = "load-room"
ROOM_RATERS = 20
ROOM_PROBES = 60


@dataclass(frozen=True)
class Scale:
    groups: int
    members: int  # rated members per group

    @property
    def participants(self) -> int:
        return self.groups * self.members

    @property
    def ratings(self) -> int:
        return self.participants * 20


def token_for(username: str) -> str:
    return (
        hashlib.md5(f"a{username}".encode()).hexdigest()
        + hashlib.md5(f"b{username}".encode()).hexdigest()
    )[:40]


def rated_username(i: int) -> str:
    return f"load-u{i}"


def group_slug(g: int) -> str:
    return f"load-{g:04d}"


def hot_member_usernames(scale: Scale) -> list[str]:
    return [rated_username(i) for i in range(1, scale.members + 1)]


def probe_usernames() -> list[str]:
    return [f"load-p{i}" for i in range(1, PROBES + 1)]


def workshop_usernames() -> list[str]:
    return [f"load-w{i}" for i in range(1, WORKSHOP + 1)]


def room_rater_usernames() -> list[str]:
    return [f"load-r{i}" for i in range(1, ROOM_RATERS + 1)]


def room_probe_usernames() -> list[str]:
    return [f"load-q{i}" for i in range(1, ROOM_PROBES + 1)]


def _token_sql(col: str) -> str:
    # The same derivation as token_for(), in SQL.
    return f"substr(md5('a' || {col}) || md5('b' || {col}), 1, 40)"


def seeded_scale(conn: psycopg.Connection) -> tuple[int, int]:
    groups = conn.execute(
        "SELECT count(*) FROM ratings_discussiongroup WHERE slug ~ '^load-[0-9]{4}$'"
    ).fetchone()[0]
    ratings = conn.execute(
        """SELECT count(*) FROM ratings_rating r JOIN ratings_discussiongroup g ON g.id = r.group_id
           WHERE g.slug ~ '^load-[0-9]{4}$'"""
    ).fetchone()[0]
    return groups, ratings


def wipe(conn: psycopg.Connection) -> None:
    """Remove every `load-…` row (the cascade order spelled out: SQL deletes do not cascade)."""
    groups = "(SELECT id FROM ratings_discussiongroup WHERE slug LIKE 'load-%')"
    users = "(SELECT id FROM auth_user WHERE username LIKE 'load-%')"
    for sql in (
        f"DELETE FROM ratings_submissionitem WHERE submission_id IN (SELECT id FROM ratings_submission WHERE group_id IN {groups})",
        f"DELETE FROM ratings_submission WHERE group_id IN {groups}",
        f"DELETE FROM ratings_rating WHERE group_id IN {groups}",
        f"DELETE FROM ratings_participant WHERE group_id IN {groups}",
        f"DELETE FROM ratings_membership WHERE group_id IN {groups}",
        f"DELETE FROM ratings_ranking WHERE group_id IN {groups}",
        "DELETE FROM ratings_rankingrequest",
        f"DELETE FROM ratings_discussiongroup WHERE id IN {groups}",
        f"DELETE FROM authtoken_token WHERE user_id IN {users}",
        f"DELETE FROM auth_user WHERE id IN {users}",
    ):
        conn.execute(sql)


def _users(conn: psycopg.Connection, names_sql: str) -> None:
    conn.execute(
        f"""INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                                   is_staff, is_active, date_joined)
            SELECT '!', false, name, '', '', '', false, true, now() FROM ({names_sql}) AS n(name)"""
    )
    conn.execute(
        f"""INSERT INTO authtoken_token (key, user_id, created)
            SELECT {_token_sql("u.username")}, u.id, now()
            FROM auth_user u JOIN ({names_sql}) AS n(name) ON n.name = u.username"""
    )


def _members(conn: psycopg.Connection, slug: str, names_sql: str) -> None:
    """Memberships and (unrated) participants of these users in group `slug`."""
    for table, cols, vals in (
        (
            "ratings_membership",
            "group_id, user_id, role, joined_at, via_invite",
            "g.id, u.id, 'member', now(), true",
        ),
        (
            "ratings_participant",
            "group_id, user_id, name, created_at",
            "g.id, u.id, u.username, now()",
        ),
    ):
        conn.execute(
            f"""INSERT INTO {table} ({cols})
                SELECT {vals} FROM auth_user u JOIN ({names_sql}) AS n(name) ON n.name = u.username
                CROSS JOIN ratings_discussiongroup g WHERE g.slug = %s""",
            [slug],
        )


def seed(dsn: str, scale: Scale, *, reseed: bool = False, log=print) -> dict[str, float]:
    """Seed `scale` unless it is already there. Returns timings."""
    started = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        if not reseed and seeded_scale(conn) == (scale.groups, scale.ratings):
            log(f"seed: {scale.groups:,} groups / {scale.ratings:,} ratings already there")
            return {"seed_seconds": 0.0, "reused": True}
        log(
            f"seed: {scale.groups:,} groups, {scale.participants:,} participants, {scale.ratings:,} ratings …"
        )
        with conn.transaction():
            wipe(conn)
            G, M = scale.groups, scale.members
            conn.execute(
                # Listed by staff, members invited: every load group counts in the global
                # ranking (docs/decisions/global-ranking-integrity.md).
                # short_code: unique and required (issue 20); 8 hex digits with 0 and 1 swapped
                # for letters of the spoken alphabet. They rate the default list (the 20 theories).
                """INSERT INTO ratings_discussiongroup (slug, name, description, visibility, join_code,
                       short_code, ratings_open, results_hidden, created_by_id, created_at, listing,
                       longlist_id)
                   SELECT 'load-' || lpad(g::text, 4, '0'), 'Load group ' || g, '', 'public',
                          md5('join' || g), translate(upper(substr(md5('short' || g), 1, 8)), '01', 'WX'),
                          true, false, NULL::integer, now(), 'listed',
                          (SELECT id FROM theories_longlist WHERE is_default)
                   FROM generate_series(1, %s) AS g
                   UNION ALL
                   SELECT %s, 'Load workshop', '', 'public', md5('workshop'), 'WRKSHPQZ', true, false,
                          NULL::integer, now(), 'listed',
                          (SELECT id FROM theories_longlist WHERE is_default)""",
                [G, WORKSHOP_SLUG],
            )
            rated = f"SELECT 'load-u' || i FROM generate_series(1, {G * M}) AS i"
            _users(conn, rated)
            # Member i belongs to group ceil(i / M).
            conn.execute(
                """INSERT INTO ratings_membership (group_id, user_id, role, joined_at, via_invite)
                   SELECT g.id, u.id, CASE WHEN (i - 1) %% %s = 0 THEN 'facilitator' ELSE 'member' END, now(),
                          true
                   FROM generate_series(1, %s) AS i
                   JOIN auth_user u ON u.username = 'load-u' || i
                   JOIN ratings_discussiongroup g ON g.slug = 'load-' || lpad((((i - 1) / %s) + 1)::text, 4, '0')""",
                [M, G * M, M],
            )
            conn.execute(
                """INSERT INTO ratings_participant (group_id, user_id, name, created_at)
                   SELECT m.group_id, m.user_id, u.username, now()
                   FROM ratings_membership m JOIN auth_user u ON u.id = m.user_id
                   WHERE u.username LIKE 'load-u%'"""
            )
            # Scores lean by theory (so the ranking means something) with noise across raters.
            conn.execute(
                """INSERT INTO ratings_rating (participant_id, group_id, theory_id, score, rationale, updated_at)
                   SELECT p.id, p.group_id, t.id,
                          least(10, greatest(1, (t.number / 3) + 1 + floor(random() * 6)::int)),
                          CASE WHEN (p.id + t.number) % 4 = 0 THEN 'because ' || t.number ELSE '' END,
                          now()
                   FROM ratings_participant p JOIN auth_user u ON u.id = p.user_id
                   CROSS JOIN theories_theory t
                   JOIN theories_longlist l ON l.id = t.longlist_id AND l.is_default
                   WHERE u.username LIKE 'load-u%'"""
            )
            conn.execute(
                """INSERT INTO ratings_submission (participant_id, group_id, submitted_by_id, source, note, created_at)
                   SELECT p.id, p.group_id, p.user_id, 'api', '', now()
                   FROM ratings_participant p JOIN auth_user u ON u.id = p.user_id
                   WHERE u.username LIKE 'load-u%'"""
            )
            conn.execute(
                """INSERT INTO ratings_submissionitem (submission_id, theory_id, score, rationale)
                   SELECT s.id, r.theory_id, r.score, r.rationale
                   FROM ratings_submission s JOIN ratings_rating r ON r.participant_id = s.participant_id
                   JOIN ratings_discussiongroup g ON g.id = s.group_id
                   WHERE g.slug LIKE 'load-%'"""
            )
            probes = f"SELECT 'load-p' || i FROM generate_series(1, {PROBES}) AS i"
            workshop = f"SELECT 'load-w' || i FROM generate_series(1, {WORKSHOP}) AS i"
            _users(conn, probes)
            _members(conn, HOT_SLUG, probes)
            _users(conn, workshop)
            _members(conn, WORKSHOP_SLUG, workshop)
        inserted = time.perf_counter() - started
        log(f"seed: inserted in {inserted:.1f} s; VACUUM ANALYZE …")
        for table in (
            "ratings_rating",
            "ratings_participant",
            "ratings_membership",
            "ratings_submission",
            "ratings_submissionitem",
            "ratings_discussiongroup",
            "auth_user",
            "authtoken_token",
        ):
            conn.execute(f"VACUUM ANALYZE {table}")
    total = time.perf_counter() - started
    log(f"seed: done in {total:.1f} s")
    return {"seed_seconds": total, "reused": False}


def ensure_room(dsn: str) -> None:
    """The thousand-viewer run's group (see the module docstring), created if missing."""
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        if conn.execute(
            "SELECT 1 FROM ratings_discussiongroup WHERE slug = %s", [ROOM_SLUG]
        ).fetchone():
            return
        conn.execute(
            # A short code (required since issue 20) and the default list (since issue 21).
            """INSERT INTO ratings_discussiongroup (slug, name, description, visibility, join_code,
                   short_code, ratings_open, results_hidden, created_by_id, created_at, listing,
                   longlist_id)
               VALUES (%s, 'Load room', '', 'public', md5('room'), 'RWWMQZXY', true, false, NULL,
                       now(), 'unlisted', (SELECT id FROM theories_longlist WHERE is_default))""",
            [ROOM_SLUG],
        )
        for prefix, count in (("load-r", ROOM_RATERS), ("load-q", ROOM_PROBES)):
            names = f"SELECT '{prefix}' || i FROM generate_series(1, {count}) AS i"
            _users(conn, names)
            _members(conn, ROOM_SLUG, names)


def reset_run_state(dsn: str) -> None:
    """Before each run: the probes, the workshop and the room have not rated yet; no stale
    outbox rows."""
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        unrated = """(SELECT p.id FROM ratings_participant p JOIN auth_user u ON u.id = p.user_id
                      WHERE u.username LIKE 'load-p%' OR u.username LIKE 'load-w%'
                         OR u.username LIKE 'load-r%' OR u.username LIKE 'load-q%')"""
        conn.execute(
            f"DELETE FROM ratings_submissionitem WHERE submission_id IN "
            f"(SELECT id FROM ratings_submission WHERE participant_id IN {unrated})"
        )
        conn.execute(f"DELETE FROM ratings_submission WHERE participant_id IN {unrated}")
        conn.execute(f"DELETE FROM ratings_rating WHERE participant_id IN {unrated}")
        conn.execute("DELETE FROM ratings_rankingrequest")
