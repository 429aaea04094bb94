"""the history as a hash chain: each entry's place, the hash of the one before it (overall and in its case),
its content's seal, its own hash; the seals' salts; the chain's head; daily anchors. Entries already written are
chained in the order they were written. The append-only triggers now let one update through: a redaction, which
replaces an entry's content and nothing else (its salt is deleted with it; bot/domain/audit.py).

Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from bot.domain.audit import GENESIS, compact, entry_hash, new_salt, seal_stored
from storage.migrations.shapes import APPEND_ONLY_PG_FUNCTION, sqlite_append_only_trigger

revision = "0011"
down_revision = "0010"

_BATCH = 2000
_SQLITE_TRIGGERS = ("case_history_no_update", "case_history_no_delete")
_COLUMNS = ("seq", "prev_hash", "case_prev_hash", "seal", "hash")
# Every column but the content stays as written; the content may only become a redaction.
_UNCHANGED = ("id", "case_ref", "at", "event", "actor", "actor_email") + _COLUMNS


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("case_history", sa.Column(name, sa.Integer() if name == "seq" else sa.String(64),
                                                nullable=True))
    op.create_table("history_head", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("seq", sa.Integer(), nullable=False), sa.Column("hash", sa.String(64), nullable=False))
    op.create_table("history_salts", sa.Column("seq", sa.Integer(), primary_key=True),
                    sa.Column("salt", sa.String(64), nullable=False))
    op.create_table("history_anchors", sa.Column("day", sa.String(10), primary_key=True),
                    sa.Column("seq", sa.Integer(), nullable=False), sa.Column("hash", sa.String(64), nullable=False),
                    sa.Column("at", sa.DateTime(timezone=True), nullable=False))
    _without_append_only(_chain_existing)
    op.create_index("ix_case_history_seq", "case_history", ["seq"], unique=True)


def _chain_existing() -> None:
    """Give every row written before this revision its place, oldest first, and record the head."""
    bind = op.get_bind()
    history = sa.table("case_history", sa.column("id", sa.Integer()), sa.column("case_ref", sa.String()),
                       sa.column("at", sa.DateTime(timezone=True)), sa.column("event", sa.String()),
                       sa.column("actor", sa.String()), sa.column("actor_email", sa.String()),
                       sa.column("data", sa.JSON()), sa.column("seq", sa.Integer()),
                       sa.column("prev_hash", sa.String()), sa.column("case_prev_hash", sa.String()),
                       sa.column("seal", sa.String()), sa.column("hash", sa.String()))
    salts = sa.table("history_salts", sa.column("seq", sa.Integer()), sa.column("salt", sa.String()))
    prev, seq, last_id = GENESIS, 0, 0
    heads: dict[str, str] = {}
    while rows := bind.execute(sa.select(history).where(history.c.id > last_id).order_by(history.c.id)
                               .limit(_BATCH)).all():
        for r in rows:
            seq += 1
            case_prev, salt = heads.get(r.case_ref), new_salt()
            content = compact(r.data or {}).decode()  # written back as stored from now on (storage.db)
            sealed = seal_stored(salt, content)
            digest = entry_hash(seq, r.case_ref, r.at, r.event, r.actor, r.actor_email, sealed, prev, case_prev)
            bind.execute(history.update().where(history.c.id == r.id).values(
                data=r.data or {}, seq=seq, prev_hash=prev, case_prev_hash=case_prev, seal=sealed, hash=digest))
            bind.execute(salts.insert().values(seq=seq, salt=salt))
            prev, heads[r.case_ref], last_id = digest, digest, r.id
    head = sa.table("history_head", sa.column("id", sa.Integer()), sa.column("seq", sa.Integer()),
                    sa.column("hash", sa.String()))
    if seq:  # otherwise the first entry makes the row
        bind.execute(head.insert().values(id=1, seq=seq, hash=prev))


def _without_append_only(work, *, redactable: bool = True) -> None:  # noqa: ANN001
    """The rows are append-only by trigger; this revision alone fills in their new columns, then puts the
    triggers back, letting a redaction through."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE case_history DISABLE TRIGGER case_history_no_update")
    else:
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    work()
    if postgres:
        op.execute("ALTER TABLE case_history ENABLE TRIGGER case_history_no_update")
        op.execute(_PG_FUNCTION if redactable else APPEND_ONLY_PG_FUNCTION)
        return
    op.execute("DROP TRIGGER IF EXISTS case_history_no_delete")
    op.execute(sqlite_append_only_trigger("DELETE"))
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _UNCHANGED)
    when = f"WHEN NOT (json_extract(NEW.data, '$.\"$redacted\"') IS NOT NULL AND {same}) " if redactable else ""
    op.execute("DROP TRIGGER IF EXISTS case_history_no_update")
    op.execute(sqlite_append_only_trigger("UPDATE", when))


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION case_history_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.data::jsonb ? '$redacted'
       AND ({", ".join(f"NEW.{c}" for c in _UNCHANGED)}) IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in _UNCHANGED)})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case_history is append-only';
END;
$$ LANGUAGE plpgsql
"""


def downgrade() -> None:
    op.drop_index("ix_case_history_seq", table_name="case_history")
    op.drop_table("history_anchors")
    op.drop_table("history_salts")
    op.drop_table("history_head")
    _without_append_only(_drop_chain_columns, redactable=False)


def _drop_chain_columns() -> None:
    with op.batch_alter_table("case_history") as batch:  # SQLite copies the table: its triggers go with it
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
