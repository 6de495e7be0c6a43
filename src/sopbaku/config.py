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
class LimitSettings:
    """How much one input file may ask of the machine before it is refused.

    Every input is untrusted: a PDF can claim thousands of pages, a PNG header
    can claim 30,000 x 30,000 pixels, a 40 KB DOCX can unpack to gigabytes.
    These caps turn such files into one-line errors instead of a frozen or
    killed worker; the defaults sit far above any real SOP (a few pages, a few
    MB, A3 scans at 300 dpi) and far below what a 2-core office PC survives.
    """

    #: Largest input file read at all (the bytes are held in memory whole).
    max_file_bytes: int = 100 * 2**20
    #: Most pages of a PDF or a multi-page TIFF; real SOP files have 2-30.
    max_pages: int = 300
    #: Most pixels of one image or rendered page; A0 at 300 dpi is 139 Mpx. Pillow's own bomb check stays on.
    max_image_pixels: int = 150_000_000
    #: Wall-clock seconds for one file: ``run``/``watch`` stop its worker then (``--timeout``), and an OCR
    #: subprocess is killed at this limit at the latest.
    per_file_seconds: float = 300.0
    #: Threads one file may use for its pages (OCR); 0 = every CPU. ``run``/``watch`` set it to the CPUs of a
    #: worker's share (one with ``--workers``), so that parallel files do not oversubscribe the machine.
    cpus_per_file: int = 0
    #: Address-space cap of a worker process (``resource.RLIMIT_AS``); 0 leaves it unlimited.
    max_worker_memory_mb: int = 4096
    #: Most members of a DOCX (ZIP) package.
    max_zip_members: int = 5000
    #: Most bytes a DOCX may unpack to, all members together.
    max_unpacked_bytes: int = 300 * 2**20
    #: Uncompressed/compressed size above which a DOCX member is a ZIP bomb (XML packs 10-30x, bombs 1000x).
    max_compression_ratio: float = 200.0


@dataclass(frozen=True)
class Settings:
    conventions: Conventions = field(default_factory=Conventions)
    roles: RoleSettings = field(default_factory=RoleSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
