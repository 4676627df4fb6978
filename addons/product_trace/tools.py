"""Small ORM helpers the registry's models share."""

from odoo.tools import SQL


def drop_foreign_keys(model):
    """Withdraw the foreign keys Odoo queued or made for ``model``'s table.

    Called after the fields' own foreign-key requests (``pool.post_init``) by the registry's big
    tables, which carry no foreign keys by design (see ``trace.code``): PostgreSQL checks those
    with one trigger call per row, which costs more than the bulk write itself. The records they
    refer to are kept alive by ``@api.ondelete`` guards instead.
    """
    table = model._table
    for key in [key for key in model.pool._foreign_keys if key[0] == table]:
        del model.pool._foreign_keys[key]
    model.env.cr.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table])
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
