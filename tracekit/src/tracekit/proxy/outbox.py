"""The proxy's durable outbox: SQLite in WAL mode with ``synchronous=FULL``.

A read counts (is *acknowledged*) only once the transaction that holds its event committed.
:meth:`Outbox.append` is the group commit: every event of a pass over the devices is written in one
transaction, with its event id and the next sequence number of its device (kept in ``device_seq``,
never reused even after the events left the outbox).

Forwarding: :meth:`Outbox.next_batch` first returns an unfinished batch (its key and the exact
payload bytes stored before the first send), else makes a new one from the oldest events not yet
in a batch and stores it *before* anything is sent, so a retry after a crash sends the same key
with the same payload. :meth:`Outbox.acknowledge` removes a batch's events only once the server's
results for it arrived; ``error`` results are kept in ``rejection``.

Each thread (reader loop, forwarder, status page) opens its own :class:`Outbox` on the same file.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..errors import InvalidFormat
from .protocol import MAX_BATCH_EVENTS, Event, EventResult, canonical_json, payload_hash

SCHEMA = """
CREATE TABLE IF NOT EXISTS event (
    pos INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    device TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time TEXT NOT NULL,
    type TEXT NOT NULL,
    code TEXT NOT NULL,
    children TEXT,
    reason TEXT,
    batch_key TEXT,
    UNIQUE (device, seq)
);
CREATE INDEX IF NOT EXISTS event_batch_key ON event (batch_key);
CREATE TABLE IF NOT EXISTS batch (
    key TEXT PRIMARY KEY,
    created REAL NOT NULL,
    payload BLOB NOT NULL,
    hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    http_status INTEGER,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS rejection (
    event_id TEXT PRIMARY KEY,
    device TEXT, seq INTEGER, type TEXT, code TEXT, time TEXT,
    error TEXT, message TEXT, received REAL
);
CREATE TABLE IF NOT EXISTS device_seq (device TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class NewEvent:
    """A read about to be committed: id, sequence number and time are given by the outbox."""

    device: str
    type: str
    code: str
    time: str
    children: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class StoredBatch:
    key: str
    payload: bytes
    size: int
    attempts: int
    state: str


@dataclass(frozen=True)
class OutboxStats:
    backlog: int
    batches_pending: int
    batches_held: int
    rejections: int
    counters: dict
    held: tuple[dict, ...] = ()


class Outbox:
    def __init__(self, path: str, *, clock: Callable[[], float] = time.time,
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex, timeout: float = 30.0):
        self.path = path
        self.clock = clock
        self.new_id = new_id
        self.db = sqlite3.connect(path, isolation_level=None, timeout=timeout, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        mode = self.db.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal" and path != ":memory:":
            raise InvalidFormat(path, "an outbox in WAL mode", mode)
        with self._tx():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)

    # -- transactions ---------------------------------------------------------------------------
    class _Tx:
        def __init__(self, db: sqlite3.Connection):
            self.db = db

        def __enter__(self):
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, kind, value, traceback):
            if kind is None:
                self.db.execute("COMMIT")
            else:
                self.db.execute("ROLLBACK")
            return False

    def _tx(self) -> Outbox._Tx:
        return Outbox._Tx(self.db)

    def close(self) -> None:
        self.db.close()

    # -- the group commit -----------------------------------------------------------------------
    def append(self, events: Sequence[NewEvent], counters: dict[str, int] | None = None,
               state: dict[str, str] | None = None) -> list[Event]:
        """Commit ``events`` (and counter increments, and ``state`` values under their keys) in one
        transaction; return them with their ids and sequence numbers. When this returns, the
        reads are acknowledged."""
        if not events and not counters and not state:
            return []
        committed: list[Event] = []
        with self._tx() as db:
            if events:
                next_seq: dict[str, int] = {}
                for device in {e.device for e in events}:
                    row = db.execute("SELECT seq FROM device_seq WHERE device = ?", (device,)).fetchone()
                    next_seq[device] = row[0] if row else 0
                rows = []
                for new in events:
                    seq = next_seq[new.device] + 1
                    next_seq[new.device] = seq
                    event = Event(id=self.new_id(), device=new.device, seq=seq, time=new.time, type=new.type,
                                  code=new.code, children=tuple(new.children), reason=new.reason)
                    committed.append(event)
                    rows.append((event.id, event.device, seq, event.time, event.type, event.code,
                                 json.dumps(list(event.children)) if event.children else None,
                                 event.reason or None))
                db.executemany(
                    "INSERT INTO event (id, device, seq, time, type, code, children, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                db.executemany(
                    "INSERT INTO device_seq (device, seq) VALUES (?, ?)"
                    " ON CONFLICT (device) DO UPDATE SET seq = excluded.seq",
                    list(next_seq.items()),
                )
            if counters:
                self._bump(db, counters)
            if state:
                db.executemany("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", list(state.items()))
        return committed

    @staticmethod
    def _bump(db: sqlite3.Connection, counters: dict[str, int]) -> None:
        db.executemany(
            "INSERT INTO counter (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            [(name, int(value)) for name, value in counters.items() if value],
        )

    def bump(self, counters: dict[str, int]) -> None:
        with self._tx() as db:
            self._bump(db, counters)

    # -- forwarding -----------------------------------------------------------------------------
    def next_batch(self, station: str, limit: int = 500) -> StoredBatch | None:
        """The unfinished batch due now, else a new one of the oldest events (stored before it is
        returned), else None."""
        limit = max(1, min(limit, MAX_BATCH_EVENTS))
        now = self.clock()
        with self._tx() as db:
            row = db.execute(
                "SELECT key, payload, size, attempts, state FROM batch WHERE next_try <= ?"
                " ORDER BY created, rowid LIMIT 1",
                (now,),
            ).fetchone()
            if row:
                return StoredBatch(*row)
            rows = db.execute(
                "SELECT pos, id, device, seq, time, type, code, children, reason FROM event"
                " WHERE batch_key IS NULL ORDER BY pos LIMIT ?",
                (limit,),
            ).fetchall()
            if not rows:
                return None
            key = uuid.uuid4().hex
            events = []
            for _pos, id_, device, seq, time_, type_, code, children, reason in rows:
                event = Event(id=id_, device=device, seq=seq, time=time_, type=type_, code=code,
                              children=tuple(json.loads(children)) if children else (), reason=reason or "")
                events.append(event.to_json())
            body = {"key": key, "station": station, "events": events}
            payload = canonical_json(body)
            db.execute(
                "INSERT INTO batch (key, created, payload, hash, size) VALUES (?, ?, ?, ?, ?)",
                (key, now, payload, payload_hash(body), len(events)),
            )
            db.execute(
                f"UPDATE event SET batch_key = ? WHERE pos IN ({','.join('?' * len(rows))})",
                [key, *(r[0] for r in rows)],
            )
            return StoredBatch(key, payload, len(events), 0, "pending")

    def acknowledge(self, key: str, results: Iterable[EventResult]) -> dict[str, int]:
        """The server answered ``key``: drop its events (keeping ``error`` results), drop the batch.
        Results must be one per event, in order; otherwise nothing changes and ValueError is raised."""
        results = list(results)
        with self._tx() as db:
            row = db.execute("SELECT payload FROM batch WHERE key = ?", (key,)).fetchone()
            if row is None:
                return {}
            events = json.loads(row[0])["events"]
            if [r.id for r in results] != [e["id"] for e in events]:
                raise InvalidFormat(key, f"{len(events)} results in the order of the events",
                                    f"{len(results)} results")
            received = self.clock()
            errors = [(e["id"], e["device"], e["seq"], e["type"], e["code"], e["time"], r.error or "error",
                       r.message, received)
                      for e, r in zip(events, results) if r.status == "error"]
            if errors:
                db.executemany("INSERT OR REPLACE INTO rejection VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", errors)
            db.execute("DELETE FROM event WHERE batch_key = ?", (key,))
            db.execute("DELETE FROM batch WHERE key = ?", (key,))
            tally: dict[str, int] = {}
            for result in results:
                tally[f"server.{result.status}"] = tally.get(f"server.{result.status}", 0) + 1
            tally["server.acknowledged"] = len(results)
            self._bump(db, tally)
        return tally

    def defer(self, key: str, *, next_try: float, error: str, http_status: int | None = None,
              held: bool = False) -> None:
        """The send failed: try again at ``next_try`` (``held``: a 4xx that needs a person)."""
        with self._tx() as db:
            db.execute(
                "UPDATE batch SET attempts = attempts + 1, next_try = ?, last_error = ?, http_status = ?,"
                " state = ? WHERE key = ?",
                (next_try, error[:500], http_status, "held" if held else "pending", key),
            )

    def release_held(self) -> int:
        """Make held batches due now (an operator fixed the cause)."""
        with self._tx() as db:
            return db.execute("UPDATE batch SET state = 'pending', next_try = 0 WHERE state = 'held'").rowcount

    def next_due(self) -> float | None:
        row = self.db.execute("SELECT MIN(next_try) FROM batch").fetchone()
        return row[0]

    # -- state ----------------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (key, value))

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """The ``(key, value)`` pairs whose key starts with ``prefix``."""
        return self.db.execute("SELECT key, value FROM kv WHERE substr(key, 1, ?) = ?",
                               (len(prefix), prefix)).fetchall()

    def delete(self, key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM kv WHERE key = ?", (key,))

    def backlog(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]

    def pending_events(self) -> list[Event]:
        rows = self.db.execute(
            "SELECT id, device, seq, time, type, code, children, reason FROM event ORDER BY pos").fetchall()
        return [Event(id=r[0], device=r[1], seq=r[2], time=r[3], type=r[4], code=r[5],
                      children=tuple(json.loads(r[6])) if r[6] else (), reason=r[7] or "") for r in rows]

    def rejections(self, limit: int = 100) -> list[dict]:
        rows = self.db.execute(
            "SELECT event_id, device, seq, type, code, time, error, message FROM rejection"
            " ORDER BY received DESC LIMIT ?", (limit,)).fetchall()
        names = ("id", "device", "seq", "type", "code", "time", "error", "message")
        return [dict(zip(names, row)) for row in rows]

    def counters(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT name, value FROM counter").fetchall())

    def stats(self) -> OutboxStats:
        db = self.db
        states = dict(db.execute("SELECT state, COUNT(*) FROM batch GROUP BY state").fetchall())
        held = db.execute(
            "SELECT key, size, attempts, http_status, last_error FROM batch WHERE state = 'held' ORDER BY created"
        ).fetchall()
        return OutboxStats(
            backlog=self.backlog(),
            batches_pending=states.get("pending", 0),
            batches_held=states.get("held", 0),
            rejections=db.execute("SELECT COUNT(*) FROM rejection").fetchone()[0],
            counters=self.counters(),
            held=tuple({"key": k, "size": s, "attempts": a, "http_status": h, "error": e} for k, s, a, h, e in held),
        )
