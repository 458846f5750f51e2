"""Which columns carry protected or sensitive data: never loaded, never mapped, never scored.

A column is protected when a listed word stands in its name in any case or spelling (words split at
spaces, punctuation and camelCase: "DateOfBirth", "gender_identity", "Health condition") or a listed
phrase runs through it. Readers drop such columns on load and say so; audits take them separately.
"""

from __future__ import annotations

import re

# Words in a column name that mark protected or sensitive data, whatever the spelling around them
# ("DateOfBirth", "gender_identity", "Health condition", "caste"): such a column is never loaded.
PROTECTED_WORDS = frozenset(
    {
        "age",
        "birth",
        "birthday",
        "dob",
        "gender",
        "sex",
        "ethnicity",
        "ethnic",
        "race",
        "racial",
        "religion",
        "religious",
        "belief",
        "beliefs",
        "caste",
        "health",
        "disability",
        "disabled",
        "medical",
        "pregnancy",
        "pregnant",
        "marital",
        "orientation",
        "sexuality",
        "nationality",
        "citizenship",
        "ssn",
        "political",
        "union",
        "trade",
        "genetic",
        "biometric",
        "criminal",
    }
)
PROTECTED_PHRASES = ("dateofbirth", "birthdate", "nationalid", "socialsecurity")


def protected_column(name: str) -> bool:
    """Whether a column name carries protected or sensitive data: a listed word in it, in any case or
    spelling (words split at spaces, punctuation and camelCase), or a listed phrase."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)
    lowered = [w.lower() for w in words]
    joined = "".join(lowered)
    return any(w in PROTECTED_WORDS for w in lowered) or any(p in joined for p in PROTECTED_PHRASES)
