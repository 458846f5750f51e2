"""The headers common HR systems export, by revmatch column: the built-in profiles of the column mapping."""

from __future__ import annotations

import re

# revmatch column → the headers each HR system exports for it, in order of preference.
PROFILES: dict[str, dict[str, tuple[str, ...]]] = {
    "workday": {
        "employee_id": ("Employee ID", "Worker ID"),
        "level": ("Management Level", "Job Level"),
        "department": ("Supervisory Organization", "Cost Center", "Department"),
        "manager_id": ("Supervisor ID", "Manager ID", "Manager Employee ID"),
        "name": ("Preferred Name", "Legal Name"),
        "location": ("Location", "Work Location"),
        "timezone": ("Time Zone",),
        "languages": ("Languages",),
        "email": ("Primary Work Email", "Email - Primary Work", "Work Email"),
        "skill": ("Skill", "Skill Name"),
        "proficiency": ("Skill Level", "Proficiency Level", "Proficiency"),
        "need": ("Learning Interest", "Need"),
    },
    "successfactors": {
        "employee_id": ("User ID", "Person ID External", "Employee ID"),
        "level": ("Pay Grade", "Job Level", "Management Level"),
        "department": ("Department", "Cost Center", "Division"),
        "manager_id": ("Manager User ID", "Supervisor ID", "Manager"),
        "name": ("Display Name", "Full Name"),
        "location": ("Location",),
        "timezone": ("Timezone",),
        "languages": ("Languages",),
        "email": ("Email", "Email Address", "Business Email"),
        "skill": ("Competency", "Skill"),
        "proficiency": ("Rating", "Proficiency Level", "Proficiency"),
        "need": ("Development Need", "Need"),
    },
    "bamboohr": {
        "employee_id": ("EEID", "Employee ID", "Employee #", "Employee Number"),
        "level": ("Job Level", "Pay Grade", "Level"),
        "department": ("Department", "Division"),
        "manager_id": ("Supervisor EID", "Supervisor ID", "Reports To ID"),
        "name": ("Preferred Name", "Display Name", "Full Name"),
        "location": ("Location",),
        "timezone": ("Time Zone",),
        "languages": ("Languages",),
        "email": ("Work Email", "Email"),
        "skill": ("Skill",),
        "proficiency": ("Skill Level", "Proficiency"),
        "need": ("Need",),
    },
}


def squash(name: str) -> str:
    """A header's identity for mapping: lower case, without spaces, punctuation or underscores."""
    return re.sub(r"[\W_]+", "", name.casefold())


def profile_hits(column: str, header: list[str]) -> list[tuple[str, str]]:
    """(profile, header) for each profile that would map one of these headers to ``column``."""
    present = {squash(h): h for h in header}
    hits = []
    for profile, targets in PROFILES.items():
        found = [present[squash(h)] for h in targets.get(column, ()) if squash(h) in present]
        if found:
            hits.append((profile, found[0]))
    return hits
