"""The store's promises under failure: crashes change nothing, racing writers never corrupt a round."""

import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import revmatch as rm
from revmatch.lifecycle import next_round, rematch
from revmatch.store.database import MIGRATIONS, create_engine, migrate
from revmatch.store.database import store_url as parse_url
from revmatch.store.schema import SCHEMA_VERSION, checkins, metadata

PROGRAM = rm.Program(min_level_gap=2)


@pytest.fixture(scope="module")
def workforce() -> rm.Workforce:
    return rm.synthetic_workforce(300, seed=5)


@pytest.fixture(scope="module")
def first(workforce) -> rm.MatchResult:
    return rm.match(workforce, PROGRAM)


def dump(store: rm.ProgrammeStore) -> dict[str, list]:
    """Every row of every table, to compare a store before and after."""
    with store.engine.connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(sa.select(t)).all())) for t in metadata.sorted_tables}


def on_statement(store: rm.ProgrammeStore, starts: str, action) -> None:
    """Run ``action`` right after the store's database runs a statement starting with ``starts``."""

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().startswith(starts):
            action()

    sa.event.listen(store.engine, "after_cursor_execute", listener)


def without(wf: rm.Workforce, *ids: str) -> rm.Workforce:
    emp, sk = rm.models.workforce_frames(wf)
    return rm.Workforce.from_frames(
        emp[~emp["employee_id"].isin(ids)], sk[~sk["employee_id"].isin(ids)], external_managers=True
    )


def test_a_failure_mid_write_leaves_the_store_unchanged(store_url, workforce, first):
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    second = next_round(None, workforce, PROGRAM, store=store)
    before = dump(store)

    def fail():
        raise OSError("disk full")

    # The round, its run and its people are written; the failure strikes as its pairs go in.
    on_statement(store, "INSERT INTO pairs", fail)
    with pytest.raises(OSError, match="disk full"):
        store.save(second, round="2027-Q2")
    assert dump(store) == before
    assert rm.ProgrammeStore(store_url).save(second, round="2027-Q2") == "2027-Q2"


KILLED = """
import sys, time
import revmatch as rm
from sqlalchemy import event

store = rm.ProgrammeStore(sys.argv[1])
result = rm.next_round(None, rm.synthetic_workforce(300, seed=5), rm.Program(min_level_gap=2), store=store)

@event.listens_for(store.engine, "after_cursor_execute")
def pause(conn, cursor, statement, *args):
    if statement.lstrip().startswith("INSERT INTO pairs"):
        open(sys.argv[2], "w").close()  # tell the test: killed now, the round is half written
        time.sleep(120)

store.save(result, round="killed")
"""


def test_a_killed_process_mid_write_leaves_the_store_unchanged(store_url, first, tmp_path):
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    before = dump(store)
    flag = tmp_path / "mid-write"
    process = subprocess.Popen([sys.executable, "-c", KILLED, store_url, str(flag)])
    try:
        deadline = time.monotonic() + 120
        while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert flag.exists(), "the writer never got to its pairs"
    finally:
        process.kill()
        process.wait()
    assert dump(store) == before
    assert store.rounds()["round"].tolist() == ["2027-Q1"]
    store.save(next_round(None, rm.synthetic_workforce(300, seed=5), PROGRAM, store=store), round="2027-Q2")


def test_two_writers_of_one_round_one_wins_the_other_gets_a_clear_error(store_url, workforce, first):
    a, b = rm.ProgrammeStore(store_url), rm.ProgrammeStore(store_url)
    other = rm.match(workforce, PROGRAM.model_copy(update={"min_level_gap": 3}))
    inside, go_on, outcome = threading.Event(), threading.Event(), {}

    def hold():
        if not inside.is_set():
            inside.set()
            go_on.wait(30)

    on_statement(a, "INSERT INTO pairs", hold)

    def save(store, result, name):
        try:
            outcome[name] = store.save(result, round="2027-Q1")
        except rm.RevmatchError as error:
            outcome[name] = error

    first_writer = threading.Thread(target=save, args=(a, first, "a"))
    first_writer.start()
    assert inside.wait(30)
    second_writer = threading.Thread(target=save, args=(b, other, "b"))
    second_writer.start()
    time.sleep(0.5)
    assert second_writer.is_alive()  # queued behind the first writer, not writing beside it
    go_on.set()
    first_writer.join(30)
    second_writer.join(30)
    assert outcome["a"] == "2027-Q1"
    assert isinstance(outcome["b"], rm.StoreConflictError) and "already in the programme store" in str(outcome["b"])
    got = b.pairs("2027-Q1")
    assert set(zip(got["mentor_id"], got["mentee_id"])) == set(zip(first.pairs["mentor_id"], first.pairs["mentee_id"]))


def test_a_writer_that_waits_too_long_gives_up_with_nothing_written(store_url, first):
    a, b = rm.ProgrammeStore(store_url), rm.ProgrammeStore(store_url, timeout=0.3)
    inside, go_on = threading.Event(), threading.Event()

    def hold():
        inside.set()
        go_on.wait(30)

    on_statement(a, "INSERT INTO pairs", hold)
    writer = threading.Thread(target=a.save, args=(first,), kwargs={"round": "2027-Q1"})
    writer.start()
    try:
        assert inside.wait(30)
        with pytest.raises(rm.StoreConflictError, match="busy: another command has been writing"):
            b.record_checkins(pd.DataFrame({"mentor_id": ["x"], "mentee_id": ["y"], "date": ["2027-01-01"]}))
    finally:
        go_on.set()
        writer.join(30)
    assert b.rounds()["round"].tolist() == ["2027-Q1"]


def test_next_rounds_built_on_the_same_history_cannot_both_be_saved(store_url, workforce, first):
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    mine, theirs = (next_round(None, workforce, PROGRAM, store=store) for _ in range(2))
    store.save(mine, round="2027-Q2")
    with pytest.raises(rm.StoreConflictError, match=r"repeat the programme's history .* made in round '2027-Q2'"):
        store.save(theirs, round="2027-Q2 bis")
    with pytest.raises(rm.StoreConflictError, match="repeat the programme's history"):
        store.save(rm.match(workforce, PROGRAM), round="again")  # a plain match ignores the history
    assert store.rounds()["round"].tolist() == ["2027-Q1", "2027-Q2"]


def test_a_rematch_of_a_round_that_changed_since_is_refused(store_url, workforce, first):
    store = rm.ProgrammeStore(store_url)
    store.save(first)
    later = without(workforce, first.pairs["mentor_id"].iloc[0])
    mine, theirs = rematch(None, later, PROGRAM, store=store), rematch(None, later, PROGRAM, store=store)
    assert store.save(mine) == "round-1"
    with pytest.raises(rm.StoreConflictError, match="did not start from the running pairs of round 'round-1'"):
        store.save(theirs)
    # A re-match from a pairs file that forgot a decline is refused the same way.
    pair = first.pairs.iloc[1]
    store.record_responses(
        pd.DataFrame({"mentor_id": [pair.mentor_id], "mentee_id": [pair.mentee_id], "response": ["decline"]})
    )
    with pytest.raises(rm.StoreConflictError, match="did not start from the running pairs"):
        store.save(rematch(store.pairs(running=False)[["mentor_id", "mentee_id"]], later, PROGRAM))


def test_responses_and_checkins_must_name_a_pair_that_was_made(store_url, first, tmp_path):
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    before = dump(store)
    m, e = first.pairs["mentor_id"].iloc[0], first.pairs["mentee_id"].iloc[0]
    path = tmp_path / "responses.csv"
    path.write_text(f"mentor_id,mentee_id,response\n{m},{e},accept\n{e},{m},decline\n")
    with pytest.raises(rm.InputError, match=rf"responses.csv, row 3, column 'mentee_id': {e} → {m} is not a pair"):
        store.record_responses(path)
    assert dump(store) == before
    # The database holds the rule too, whoever writes to it.
    orphan = {"pair_id": 999999, "date": date(2027, 1, 1), "rated_by": "", "skills": "", "recorded_utc": "now"}
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.insert(checkins), orphan)


@pytest.mark.parametrize(
    "row, message",
    [
        ("{m},{e},2027-13-01,3,mentor", r"row 3, column 'date': '2027-13-01' is not a date"),
        ("{m},{e},2027-01-02,9,mentor", r"row 3, column 'rating': 9 is out of range"),
        ("{m},{e},2027-01-02,3,boss", r"row 3, column 'rated_by': 'boss' is not mentor or mentee"),
    ],
)
def test_bad_checkins_are_named_by_row_before_anything_is_written(store_url, first, tmp_path, row, message):
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    before = dump(store)
    m, e = first.pairs["mentor_id"].iloc[0], first.pairs["mentee_id"].iloc[0]
    path = tmp_path / "checkins.csv"
    path.write_text(
        f"mentor_id,mentee_id,date,rating,rated_by\n{m},{e},2027-01-01,4,mentee\n" + row.format(m=m, e=e) + "\n"
    )
    with pytest.raises(rm.InputError, match=message):
        store.record_checkins(path)
    assert dump(store) == before


def test_responses_and_checkins_come_in_any_format_the_loaders_read(store_url, first, tmp_path):
    """JSON Lines here (no extra needed): rows are the file's lines, the store gets the same records."""
    store = rm.ProgrammeStore(store_url)
    store.save(first, round="2027-Q1")
    m, e = first.pairs["mentor_id"].iloc[0], first.pairs["mentee_id"].iloc[0]
    (tmp_path / "responses.jsonl").write_text(
        f'{{"mentor_id": "{m}", "mentee_id": "{e}", "response": "Accept", "date": "2027-01-05"}}\n'
    )
    assert store.record_responses(tmp_path / "responses.jsonl") == 1
    assert store.responses()[["response", "date"]].astype(str).values.tolist() == [["accept", "2027-01-05"]]
    good = f'{{"mentor_id": "{m}", "mentee_id": "{e}", "date": "2027-01-09", "rating": 4, "rated_by": "mentee"}}'
    (tmp_path / "checkins.jsonl").write_text(good + "\n\n" + good.replace(f'"{e}"', '"nobody"') + "\n")
    with pytest.raises(rm.InputError, match=r"checkins.jsonl, row 3, column 'mentee_id': .* is not a pair"):
        store.record_checkins(tmp_path / "checkins.jsonl")
    (tmp_path / "checkins.jsonl").write_text(good + "\n")
    assert store.record_checkins(tmp_path / "checkins.jsonl") == 1
    assert store.checkins()["rating"].tolist() == [4]


def test_the_migrations_build_exactly_the_schema_and_versions_are_checked(store_url):
    store = rm.ProgrammeStore(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert store.schema_version == SCHEMA_VERSION == ScriptDirectory.from_config(config).get_current_head()
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    rm.ProgrammeStore(store_url, upgrade=False)  # already at this version: nothing to do
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(rm.ConfigError, match="schema version 9999, newer than this revmatch knows"):
        rm.ProgrammeStore(store_url)


def test_an_old_store_is_migrated_only_when_allowed(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    sa.create_engine(url).connect().close()  # an empty database: schema version none
    with pytest.raises(rm.ConfigError, match="schema version none; this revmatch needs 0001: run `revmatch db upgrade"):
        rm.ProgrammeStore(url, upgrade=False)
    assert rm.ProgrammeStore(url).schema_version == "0001"
    assert Path(tmp_path / "old.db").stat().st_size > 0


def test_a_migration_that_fails_half_way_leaves_no_table_behind(store_url):
    engine = create_engine(parse_url(store_url), timeout=5)

    def fail(conn, cursor, statement, *args):
        if "CREATE TABLE pairs" in statement:
            raise OSError("disk full")

    sa.event.listen(engine, "before_cursor_execute", fail)
    with pytest.raises(OSError, match="disk full"):
        migrate(engine, upgrade=True)
    engine.dispose()
    assert sa.inspect(sa.create_engine(store_url)).get_table_names() == []
    assert rm.ProgrammeStore(store_url).schema_version == SCHEMA_VERSION
