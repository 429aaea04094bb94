"""the media log's full-text index over every case (enquiries, crises, press releases; open and closed): SQLite
FTS5 and a PostgreSQL tsvector with a GIN index (English stemming), filled from the rows already there and kept
in step by triggers, so a case and its index entry are written in one transaction whoever writes the case

Create Date: 2026-12-04
"""
from __future__ import annotations

from collections.abc import Callable

from alembic import op

revision = "0012"
down_revision = "0011"

# One index row per case. Besides the words, it carries what searches filter on (kind, state, owner, who logged
# it, outlet type, dates) and a title for the hit, so a search reads this one table.
_META = ("ref", "kind", "state", "owner", "logged_by", "outlet_kind", "logged_at", "updated_at", "title")
_TEXT = ("reference", "outlet", "journalist", "words", "statement")
_COLUMNS = _META + _TEXT
# SQLite: the FTS5 rowid is the case's id with its kind in the low bits (enquiries, crises and press releases
# count ids separately), so a trigger finds its index row by rowid and never scans the index.
_ROWID = {"enquiries": 1, "crises": 2, "press_releases": 3}


def _values(table: str, r: str, j: Callable[[str, str], str], join: Callable[[list[str]], str]) -> list[str]:
    """The index row's values for row `r` of `table`, in _COLUMNS order (`j` reads a JSON key, `join` joins
    texts with spaces, skipping missing ones)."""
    statement = f"(SELECT d.text FROM drafts d WHERE d.case_ref = {r}.ref ORDER BY d.number DESC LIMIT 1)"
    if table == "enquiries":
        return [f"{r}.ref", "'enquiry'", f"{r}.state", f"lower({j('owner', 'email')})",
                f"lower({j('reporter', 'email')})", f"{r}.outlet_kind", f"{r}.created_at", f"{r}.updated_at",
                f"{r}.outlet || ' (' || {r}.journalist || ')'",
                f"{r}.ref", f"{r}.outlet", f"{r}.journalist", f"{r}.summary", statement]
    if table == "crises":
        what = j("details", "what")
        return [f"{r}.ref", "'crisis'", f"{r}.state", f"lower({j('lead', 'email')})",
                f"lower({j('reporter', 'email')})", "NULL", f"{r}.created_at", f"{r}.updated_at",
                f"substr(coalesce({what}, ''), 1, 120)",
                f"{r}.ref", "NULL", "NULL",
                join([what, j("details", "where_when"), j("details", "affected"), f"{r}.lead_agency"]), statement]
    title = f"coalesce({j('details', 'project')}, {j('details', 'news')}, '')"
    return [f"{r}.ref", "'press_release'", f"{r}.state", f"lower({j('owner', 'email')})",
            f"lower({j('requester', 'email')})", "NULL", f"{r}.created_at", f"{r}.updated_at",
            f"substr({title}, 1, 120)",
            f"{r}.ref", "NULL", "NULL",
            join([j("details", key) for key in ("project", "what", "key_messages", "news", "why", "quoted",
                                                "spokesperson")]), statement]


def _sqlite(table: str, r: str) -> list[str]:
    return _values(table, r, lambda column, key: f"json_extract({r}.{column}, '$.{key}')",
                   lambda parts: " || ' ' || ".join(f"coalesce({p}, '')" for p in parts))


def _postgresql(table: str, r: str) -> list[str]:
    return _values(table, r, lambda column, key: f"({r}.{column} ->> '{key}')",
                   lambda parts: f"concat_ws(' ', {', '.join(parts)})")


def sqlite_ddl() -> list[str]:
    meta = ", ".join(f"{c} UNINDEXED" for c in _META)
    ddl = [f"CREATE VIRTUAL TABLE case_search USING fts5({meta}, {', '.join(_TEXT)}, "
           "tokenize = 'porter unicode61 remove_diacritics 2')"]
    columns = "rowid, " + ", ".join(_COLUMNS)
    for table, kind in _ROWID.items():
        name = {"enquiries": "enquiry", "crises": "crisis", "press_releases": "press"}[table]
        ddl.append(f"INSERT INTO case_search ({columns}) SELECT t.id * 4 + {kind}, "
                   f"{', '.join(_sqlite(table, 't'))} FROM {table} t")
        for when in ("INSERT", "UPDATE"):
            ddl.append(f"CREATE TRIGGER case_search_{name}_{when.lower()} AFTER {when} ON {table} BEGIN "
                       f"INSERT OR REPLACE INTO case_search ({columns}) VALUES (NEW.id * 4 + {kind}, "
                       f"{', '.join(_sqlite(table, 'NEW'))}); END")
        ddl.append(f"CREATE TRIGGER case_search_{name}_delete AFTER DELETE ON {table} BEGIN "
                   f"DELETE FROM case_search WHERE rowid = OLD.id * 4 + {kind}; END")
    cases = " UNION ALL ".join(f"SELECT id * 4 + {kind} FROM {table} WHERE ref = NEW.case_ref"
                               for table, kind in _ROWID.items())
    ddl.append("CREATE TRIGGER case_search_draft_insert AFTER INSERT ON drafts BEGIN "
               "UPDATE case_search SET statement = (SELECT d.text FROM drafts d WHERE d.case_ref = NEW.case_ref "
               f"ORDER BY d.number DESC LIMIT 1) WHERE rowid IN ({cases}); END")
    return ddl


def _vector(column: str, weight: str) -> str:
    # Hyphens become spaces on both sides (here and in the query), so "MC-2026-0001" and "covid-19" are words
    # that a search for "2026" or "covid 19" finds: PostgreSQL's parser would otherwise keep "-2026" as a token.
    return f"setweight(to_tsvector('english', translate(coalesce({column}, ''), '-', ' ')), '{weight}')"


def postgresql_ddl() -> list[str]:
    document = " || ".join([_vector("reference", "A"), _vector("outlet", "B"), _vector("journalist", "B"),
                            _vector("words", "B"), _vector("statement", "C")])
    ddl = [f"""CREATE TABLE case_search (
        ref varchar(20) PRIMARY KEY,
        kind varchar(20) NOT NULL,
        state varchar(24) NOT NULL,
        owner varchar(254),
        logged_by varchar(254),
        outlet_kind varchar(20),
        logged_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        title text,
        reference text, outlet text, journalist text, words text, statement text,
        document tsvector GENERATED ALWAYS AS ({document}) STORED)""",
           "CREATE INDEX case_search_document ON case_search USING gin (document)",
           "CREATE INDEX case_search_logged_at ON case_search (logged_at)",
           """CREATE FUNCTION case_search_truncated() RETURNS trigger AS $$
           BEGIN DELETE FROM case_search WHERE kind = TG_ARGV[0]; RETURN NULL; END $$ LANGUAGE plpgsql"""]
    columns = ", ".join(_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "ref")
    for table, kind in (("enquiries", "enquiry"), ("crises", "crisis"), ("press_releases", "press_release")):
        function = {"enquiries": "case_search_enquiry", "crises": "case_search_crisis",
                    "press_releases": "case_search_press"}[table]
        ddl.append(f"INSERT INTO case_search ({columns}) SELECT {', '.join(_postgresql(table, 't'))} FROM {table} t")
        ddl.append(f"""CREATE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM case_search WHERE ref = OLD.ref;
                RETURN OLD;
            END IF;
            INSERT INTO case_search ({columns}) VALUES ({', '.join(_postgresql(table, 'NEW'))})
            ON CONFLICT (ref) DO UPDATE SET {updates};
            RETURN NEW;
        END $$ LANGUAGE plpgsql""")
        ddl.append(f"CREATE TRIGGER case_search_row AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {function}()")
        ddl.append(f"CREATE TRIGGER case_search_truncate AFTER TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION case_search_truncated('{kind}')")
    ddl.append("""CREATE FUNCTION case_search_draft() RETURNS trigger AS $$
    BEGIN
        UPDATE case_search SET statement = (SELECT d.text FROM drafts d WHERE d.case_ref = NEW.case_ref
                                            ORDER BY d.number DESC LIMIT 1)
        WHERE ref = NEW.case_ref;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""")
    ddl.append("CREATE TRIGGER case_search_row AFTER INSERT ON drafts FOR EACH ROW EXECUTE FUNCTION case_search_draft()")
    return ddl


def upgrade() -> None:
    for statement in sqlite_ddl() if op.get_bind().dialect.name == "sqlite" else postgresql_ddl():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("enquiry", "crisis", "press"):
            for when in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS case_search_{name}_{when}")
        op.execute("DROP TRIGGER IF EXISTS case_search_draft_insert")
        op.execute("DROP TABLE IF EXISTS case_search")
        return
    for table in ("enquiries", "crises", "press_releases", "drafts"):
        op.execute(f"DROP TRIGGER IF EXISTS case_search_row ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS case_search_truncate ON {table}")
    for function in ("case_search_enquiry", "case_search_crisis", "case_search_press", "case_search_draft",
                     "case_search_truncated"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.execute("DROP TABLE IF EXISTS case_search")
