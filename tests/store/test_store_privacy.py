"""What the store never holds (names, protected attributes, notes; ids when pseudonymised) and erasure."""

import re
import warnings
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

import revmatch as rm
from revmatch.lifecycle import next_round, rematch
from revmatch.reporting import pseudonym
from revmatch.store.schema import metadata

PROGRAM = rm.Program(min_level_gap=2)
KEY = ["mentor_id", "mentee_id"]


def all_text(store: rm.ProgrammeStore) -> str:
    """Every cell of every table, as one text to search."""
    with store.engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for t in metadata.sorted_tables for row in conn.execute(sa.select(t)))


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A company's HR export with names and protected columns, as files."""
    folder = tmp_path_factory.mktemp("hr")
    employees, skills = rm.synthetic.synthetic_frames(300, 4)
    employees = employees.assign(gender=["woman", "man"] * 150, date_of_birth="1970-01-01")
    employees.to_csv(folder / "employees.csv", index=False)
    skills.to_csv(folder / "skills.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the protected columns are dropped on load, with a warning
        workforce = rm.Workforce.from_csv(folder / "employees.csv", folder / "skills.csv")
    return employees, workforce


def checkins_of(pairs: pd.DataFrame) -> pd.DataFrame:
    return (
        pairs[KEY]
        .head(6)
        .assign(
            date=["2027-02-01", "2027-02-03", "2027-03-01", "2027-03-02", "2027-03-05", "2027-04-01"],
            rating=[5, 4, 2, 3, 5, 1],
            rated_by=["mentee", "mentor"] * 3,
            skills="budgeting",
            notes="private words about my mentor",
        )
    )


def test_the_store_keeps_no_name_protected_attribute_or_note(store_url, company):
    employees, workforce = company
    store = rm.ProgrammeStore(store_url)
    first = rm.match(workforce, PROGRAM)
    store.save(first, round="2027-Q1")
    store.record_checkins(checkins_of(first.pairs))
    text = all_text(store)
    named = [n for n in employees["name"] if first.pairs["reason"].str.contains(n, regex=False).any()]
    assert named  # the result (and its CSV) names people by name; the store does not
    assert not [n for n in employees["name"] if n in text]
    assert "woman" not in text and "1970-01-01" not in text and "private words" not in text
    assert str(first.pairs["mentor_id"].iloc[0]) in text  # ids are kept (the store's key to a person)


def test_a_pseudonymised_store_holds_no_id_and_runs_the_programme_the_same(store_url, company, tmp_path):
    _, workforce = company
    secret = rm.ProgrammeStore(store_url, pseudonym_key="s3cret-of-sixteen-chars")
    plain = rm.ProgrammeStore(f"sqlite:///{tmp_path / 'plain.db'}")
    first = rm.match(workforce, PROGRAM)
    for store in (secret, plain):
        store.save(first, round="2027-Q1")
    leaver = first.pairs["mentor_id"].iloc[2]
    later = rm.Workforce.from_frames(
        *(f[f["employee_id"] != leaver] for f in rm.models.workforce_frames(workforce)), external_managers=True
    )
    changed = [rematch(None, later, PROGRAM, store=store) for store in (secret, plain)]
    # A leaver is no longer in the workforce: the pseudonymised store can only name them by pseudonym.
    hidden = pseudonym(leaver, "s3cret-of-sixteen-chars")
    assert changed[0].broken[["mentor_id", "reason"]].values.tolist() == [[hidden, f"{hidden} left"]]
    assert changed[0].leavers == (hidden,) and changed[1].leavers == (leaver,)
    assert changed[1].broken["reason"].tolist() == [f"{leaver} left"]
    for store, change in zip((secret, plain), changed):
        store.save(change)
        store.record_checkins(checkins_of(change.result.pairs))
    text = all_text(secret)
    assert not re.search(r"E\d{6}", text)  # no employee id anywhere, reasons included
    assert pseudonym(first.pairs["mentor_id"].iloc[0], "s3cret-of-sixteen-chars") in text
    # The same programme, told with pseudonyms: same history, same next round, same KPIs.
    here = set(later.ids)
    among = lambda pairs: {p for p in pairs if set(p) <= here}  # a leaver keeps a pseudonym: moot for a match
    assert among(secret.history(later).pairs) == among(plain.history(later).pairs)
    rounds = [next_round(None, later, PROGRAM, store=store, priority_weight=2) for store in (secret, plain)]
    assert rounds[0].pairs[KEY].values.tolist() == rounds[1].pairs[KEY].values.tolist()
    as_of = date(2027, 5, 1)
    assert secret.kpis(as_of, workforce=later).figures == plain.kpis(as_of, workforce=later).figures
    with pytest.raises(rm.ConfigError, match="pseudonym key differs"):
        rm.ProgrammeStore(store_url, pseudonym_key="a-wrong-guess-of-16+-chars")
    with pytest.raises(rm.ConfigError, match="holds pseudonyms: give the key"):
        rm.ProgrammeStore(store_url)
    with pytest.raises(rm.ConfigError, match="holds plain ids"):
        rm.ProgrammeStore(f"sqlite:///{tmp_path / 'plain.db'}", pseudonym_key="s3cret-of-sixteen-chars")


def test_erasure_unlinks_a_person_and_keeps_every_kpi(store_url, company):
    _, workforce = company
    store = rm.ProgrammeStore(store_url)
    first = rm.match(workforce, PROGRAM)
    store.save(first, round="2027-Q1")
    store.record_checkins(checkins_of(first.pairs))
    pair = first.pairs.iloc[0]
    store.record_responses(
        pd.DataFrame({"mentor_id": [pair.mentor_id], "mentee_id": [pair.mentee_id], "response": ["accept"]})
    )
    before = store.kpis(date(2027, 5, 1))
    rival = store.unmatched()["reason"].str.contains(pair.mentee_id).sum()
    counts = store.erase(pair.mentee_id)
    assert counts["pairs"] == 1 and counts["reasons_scrubbed"] >= rival
    assert pair.mentee_id not in all_text(store)
    after = store.kpis(date(2027, 5, 1))
    assert after.figures == before.figures
    erased = after.per_pair["mentee_id"].iloc[0]
    assert erased.startswith("erased-")
    pd.testing.assert_frame_equal(after.per_pair.drop(columns="mentee_id"), before.per_pair.drop(columns="mentee_id"))
    assert store.responses()["mentee_id"].tolist() == [erased]
    with pytest.raises(rm.UnknownPersonError, match="not in the programme store"):
        store.erase(pair.mentee_id)
