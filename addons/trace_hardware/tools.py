"""Bookkeeping writes of the line API, kept off the request's transaction."""

import contextlib
import logging

import psycopg2
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# a key's last use and a station's last contact are recorded at most this often
TOUCH_INTERVAL_S = 60


@contextlib.contextmanager
def bookkeeping_cursor(env):
    """A new cursor, committed on exit, whose transaction is READ COMMITTED: an UPDATE of a row
    another post changed meanwhile waits for it and then applies, instead of failing with a
    serialization error (as under Odoo's REPEATABLE READ) and having the request retried."""
    with env.registry.cursor() as cr:
        if not env.registry.in_test_mode():  # in test mode one transaction serves every cursor
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        yield cr


def touch(record, column):
    """Set ``column`` of ``record`` to now, at most every TOUCH_INTERVAL_S, in a transaction of
    its own.

    These columns sit on hot rows (one key and one station serve every post of a line proxy):
    written in the request's transaction, two posts of one station at once (a retry beside a
    slow first try, a heartbeat beside a batch) conflict on them, and Odoo re-runs the whole
    batch. Here the write is a separate short transaction that skips a row another one holds,
    and a failure of it is only logged: it is bookkeeping, never a reason to refuse reads.
    """
    record.ensure_one()
    value = record[column]
    if value and (record.env.cr.now().replace(tzinfo=None) - value).total_seconds() < TOUCH_INTERVAL_S:
        return
    table = SQL.identifier(record._table)
    name = SQL.identifier(column)
    try:
        with bookkeeping_cursor(record.env) as cr:
            cr.execute(
                SQL(
                    """UPDATE %(table)s SET %(name)s = now() AT TIME ZONE 'UTC'
                        WHERE id IN (SELECT id FROM %(table)s WHERE id = %(id)s
                                        AND (%(name)s IS NULL OR %(name)s < now() AT TIME ZONE 'UTC' - %(gap)s * interval '1 second')
                                        FOR UPDATE SKIP LOCKED)""",
                    table=table, name=name, id=record.id, gap=TOUCH_INTERVAL_S,
                )
            )
    except psycopg2.Error as error:
        _logger.info("%s of %s not recorded this time: %s", column, record, error)
