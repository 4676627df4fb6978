"""Small ORM helpers the registry's models share."""

import queue
import threading

from odoo.exceptions import ValidationError
from odoo.tools import SQL


def drop_foreign_keys(model, columns=None):
    """Withdraw the foreign keys Odoo queued or made for ``model``'s table (of ``columns`` only,
    when given).

    Called after the fields' own foreign-key requests (``pool.post_init``) by the registry's big
    tables, which carry no foreign keys by design (see ``trace.code``): PostgreSQL checks those
    with one trigger call per row, which costs more than the bulk write itself. The records they
    refer to are kept alive by ``@api.ondelete`` guards instead.
    """
    table = model._table
    for key in [key for key in model.pool._foreign_keys if key[0] == table and (columns is None or key[1] in columns)]:
        del model.pool._foreign_keys[key]
    model.env.cr.execute(
        """SELECT c.conname FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype = 'f'
              AND (%s IS NULL OR (SELECT a.attname FROM pg_attribute a
                                   WHERE a.attrelid = c.conrelid AND a.attnum = c.conkey[1]) = ANY(%s))""",
        [table, columns and list(columns), columns and list(columns)],
    )
    for (name,) in model.env.cr.fetchall():
        model.env.cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))


def changed_fields(record, vals, names):
    """The fields among ``names`` whose value in ``vals`` differs from ``record``'s (compared as
    the ORM caches them, so an id and a record, or a date and its string, compare equal)."""
    changed = []
    for name in names:
        if name in vals:
            field = record._fields[name]
            if field.convert_to_cache(vals[name], record) != field.convert_to_cache(record[name], record):
                changed.append(name)
    return changed


class CopyPipe:
    """A file for ``cursor.copy_expert`` whose text a thread produces while PostgreSQL reads it.

    ``cursor.copy_expert`` sends what it reads and waits for the socket with Python's lock
    released, so a producer thread (``chunks``: an iterator of text, e.g. codes minted a slice at
    a time) works while the server parses and indexes the slices already sent: the client's
    work hides behind the server's instead of adding to it. The producer must not touch the
    cursor or the environment. An error in the producer is raised by :meth:`read`, which fails
    the COPY (psycopg2 reports it as a cancelled query: the producer's own error is
    :attr:`error`); :meth:`close` stops a producer whose COPY failed.
    """

    def __init__(self, chunks, depth=2):
        self._queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self.error = None
        self._chunk, self._pos, self._done = "", 0, False
        self._thread = threading.Thread(target=self._produce, args=(chunks,), name="copy-pipe", daemon=True)
        self._thread.start()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, chunks):
        try:
            for chunk in chunks:
                if not self._put(chunk):
                    return
        except BaseException as error:  # handed to the reader, which raises it
            self.error = error
        self._put(None)

    # a file's read (what copy_expert calls), not the ORM's
    def read(self, size=-1):  # pylint: disable=method-required-super
        while self._pos >= len(self._chunk) and not self._done:
            chunk = self._queue.get()
            if chunk is None:
                self._done = True
                if self.error is not None:
                    raise self.error
            else:
                self._chunk, self._pos = chunk, 0
        if self._pos >= len(self._chunk):
            return ""
        end = len(self._chunk) if size is None or size < 0 else self._pos + size
        data = self._chunk[self._pos:end]
        self._pos += len(data)
        return data

    def close(self):
        self._stop.set()
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_lot_of_product(records):
    """Refuse records whose ``lot_id`` is a lot of another product than their ``product_id``."""
    for record in records.filtered("lot_id"):
        if record.lot_id.product_id != record.product_id:
            raise ValidationError(
                record.env._(
                    "Lot %(lot)s is a lot of %(other)s, not of %(product)s.",
                    lot=record.lot_id.name,
                    other=record.lot_id.product_id.display_name,
                    product=record.product_id.display_name,
                )
            )
