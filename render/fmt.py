"""Indonesian display formats shared by the renderers: dates, numbers, durations.

The model keeps ISO dates and minutes so that it can be compared and summed;
the printed SOP shows them the way an Indonesian office writes them
("2 Januari 2019", "7,5 jam", "3 hari 2 jam").
"""

from __future__ import annotations

from datetime import date

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
         "Agustus", "September", "Oktober", "November", "Desember")
#: What the printed SOP shows where the model has no value ("-" is the forms' own habit).
KOSONG = "-"


def tanggal(iso: str | None) -> str:
    """An ISO date as printed in Indonesian ("2019-01-02" -> "2 Januari 2019"); "-" when absent."""
    if not iso:
        return KOSONG
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso  # the model validated the shape; an impossible date is shown as written
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def angka(x: float) -> str:
    """A number with the Indonesian decimal comma and no trailing zeros (7.5 -> "7,5", 2.0 -> "2")."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def durasi(minutes: float, minutes_per_hour: int, hours_per_day: float) -> str:
    """Minutes as working days, hours and minutes under the SOP's own conventions.

    A "hari" is a working day of ``hours_per_day`` hours (the model's
    convention), so 900 minutes at 7.5 hours a day is "2 hari", not 15 hours.
    """
    total = round(minutes)
    per_day = round(minutes_per_hour * hours_per_day)
    days, rest = divmod(total, per_day)
    hours, mins = divmod(rest, minutes_per_hour)
    parts = [f"{n} {unit}" for n, unit in ((days, "hari"), (hours, "jam"), (mins, "menit")) if n]
    return " ".join(parts) or "0 menit"
