"""Settings objects: one dataclass per concern, with documented defaults.

Following pdfplumber's table settings, nothing tunable is a constant buried in
code: the CLI and a config file fill these objects, and every stage takes the
one it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Working hours in a day under Perpres 21/2023 (37.5 hours over a 5-day week).
HOURS_PER_DAY_OFFICIAL = 7.5
#: The "effective day" of workload analysis (analisis beban kerja).
HOURS_PER_DAY_EFFECTIVE = 5.0


@dataclass(frozen=True)
class Conventions:
    """How durations become minutes; written into every SOP's ``conventions``."""

    minutes_per_hour: int = 60
    hours_per_day: float = HOURS_PER_DAY_OFFICIAL
    #: Working days in a week and in a month, for "minggu" and "bulan".
    days_per_week: int = 5
    days_per_month: int = 22


@dataclass(frozen=True)
class RoleSettings:
    """Role registry: the shipped YAML plus an office's own file that extends it."""

    extra_registry: Path | None = None
    #: rapidfuzz score (0-100) from which a header label is taken as a known role.
    match_threshold: float = 82.0


@dataclass(frozen=True)
class Settings:
    conventions: Conventions = field(default_factory=Conventions)
    roles: RoleSettings = field(default_factory=RoleSettings)
