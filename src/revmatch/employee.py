"""One person as HR knows them: the Employee model (the Workforce holds many, as arrays)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import InputError, Problem
from .limits import CAPACITY, LEVEL
from .tables import cut

Role = Literal["mentor", "mentee", "both", "none"]


class Employee(BaseModel):
    """One person as HR knows them; ``skills`` maps skill → proficiency 0–5, ``needs`` skill → need 0–5."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employee_id: str = Field(min_length=1)
    level: int = Field(ge=-LEVEL, le=LEVEL)
    department: str = Field(min_length=1)
    manager_id: str | None = None
    name: str | None = None
    location: str | None = None
    timezone: str | None = None
    languages: tuple[str, ...] = ()
    role: Role | None = None  # the opt-in; None: no answer, not enrolled (see Workforce.from_employees)
    mentor_capacity: int = Field(1, ge=0, le=CAPACITY)
    mentee_capacity: int = Field(1, ge=0, le=CAPACITY)
    availability: str | None = None  # weekly slots in their time zone, e.g. "Mon 09:00-11:00; Wed 14:00-15:30"
    skills: dict[str, int] = Field(default_factory=dict)
    needs: dict[str, int] = Field(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            who = data.get("employee_id", "employee")
            raise InputError(
                [
                    Problem(
                        f"Employee {who!r}",
                        None,
                        str(e["loc"][0]) if e["loc"] else None,
                        f"{e['msg']} (got {cut(repr(e.get('input')))})",
                    )
                    for e in exc.errors()
                ]
            ) from None

    @property
    def display_name(self) -> str:
        return self.name or self.employee_id
