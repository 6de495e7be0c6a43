"""The canonical model: four DataFrames with declared columns, shared by every stage.

One row per SOP (``sops``), per role column (``roles``), per step (``steps``)
and per warning (``warnings``), joined on ``sop`` (the SOP's position in the
input). DataFrames rather than nested objects because reviewers, the diff,
the CSV/XLSX sheets and the evaluation all work column-wise; list-valued cells
(``pelaksana``, ``next``, identity lists) stay Python lists in object columns.

The schemas are pandera ``DataFrameSchema`` objects, checked by
:meth:`SopSet.validate` at every stage boundary (after normalize, before
render, after reading JSON), so a stage that breaks the contract fails at
its own door, not three stages later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa

from sopbaku.errors import ModelValidationError
from sopbaku.fields import (  # noqa: F401 - re-exported: the model's field names
    IDENTITY_DATE_FIELDS,
    IDENTITY_LIST_FIELDS,
    IDENTITY_TEXT_FIELDS,
    SIGNATURE_FIELDS,
    SIGNER_FIELDS,
    STEP_TEXT_FIELDS,
)

SCHEMA_ID = "sopbaku/1"
WAKTU_UNITS = ("detik", "menit", "jam", "hari", "minggu", "bulan")
EVIDENCE = ("symbol", "mark", "text", "inferred", "none")
SIMBOL = ("terminator", "process", "decision", "connector")
FORMATS = ("text", "pdf-digital", "pdf-scanned", "image", "docx")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_list(series: pd.Series) -> bool:
    return bool(series.map(lambda v: isinstance(v, list)).all())


def _is_dict_or_none(series: pd.Series) -> bool:
    return bool(series.map(lambda v: v is None or isinstance(v, dict)).all())


def _nullable_str() -> pa.Column:
    return pa.Column(object, nullable=True, checks=pa.Check(
        lambda s: s.map(lambda v: v is None or isinstance(v, str)).all(), name="str_or_none"))


def _iso_date_col() -> pa.Column:
    return pa.Column(object, nullable=True, checks=pa.Check(
        lambda s: s.map(lambda v: v is None or bool(_ISO_DATE.fullmatch(str(v)))).all(), name="iso_date"))


def _dict_col() -> pa.Column:
    return pa.Column(object, nullable=True, checks=pa.Check(_is_dict_or_none, name="dict_or_none"))


def _list_col() -> pa.Column:
    return pa.Column(object, checks=pa.Check(_is_list, name="is_list"))


SOPS_SCHEMA = pa.DataFrameSchema(
    {
        "sop": pa.Column(int, unique=True),
        "source_file": pa.Column(str),
        "source_sha256": pa.Column(str),
        "source_format": pa.Column(str, pa.Check.isin(FORMATS)),
        "source_pages": _list_col(),
        **{f: _nullable_str() for f in IDENTITY_TEXT_FIELDS},
        **{f: _iso_date_col() for f in IDENTITY_DATE_FIELDS},
        "has_disahkan_oleh": pa.Column(bool),
        **{f"disahkan_{f}": _nullable_str() for f in SIGNER_FIELDS},
        **{f: _list_col() for f in IDENTITY_LIST_FIELDS},
        "has_signature": pa.Column(bool),
        **{f"signature_{f}": _nullable_str() for f in SIGNATURE_FIELDS},
        "minutes_per_hour": pa.Column(int, pa.Check.gt(0)),
        "hours_per_day": pa.Column(float, pa.Check.gt(0)),
        "extra": _dict_col(),
    },
    strict=True,
    ordered=True,
    name="sops",
)

ROLES_SCHEMA = pa.DataFrameSchema(
    {
        "sop": pa.Column(int),
        "position": pa.Column(int, pa.Check.ge(0)),
        "role_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "name": pa.Column(str),
        "labels": _list_col(),
    },
    strict=True,
    ordered=True,
    unique=["sop", "role_id"],
    name="roles",
)

STEPS_SCHEMA = pa.DataFrameSchema(
    {
        "sop": pa.Column(int),
        "position": pa.Column(int, pa.Check.ge(0)),
        "no": pa.Column(int),
        "kegiatan": pa.Column(str),
        "pelaksana": _list_col(),
        "pelaksana_evidence": pa.Column(str, pa.Check.isin(EVIDENCE)),
        "simbol": pa.Column(object, pa.Check(lambda s: s.map(lambda v: v is None or v in SIMBOL).all(),
                                             name="simbol_or_none"), nullable=True),
        "kelengkapan": _nullable_str(),
        "waktu_raw": _nullable_str(),
        "waktu_value": pa.Column(float, nullable=True),
        "waktu_unit": pa.Column(object, pa.Check(
            lambda s: s.map(lambda v: v is None or v in WAKTU_UNITS).all(), name="unit_or_none"),
            nullable=True),
        "waktu_minutes": pa.Column(float, nullable=True),
        "output": _nullable_str(),
        "keterangan": _nullable_str(),
        "next": _list_col(),
        "is_decision": pa.Column(bool),
        "branch_ya": pa.Column("Int64", nullable=True),
        "branch_tidak": pa.Column("Int64", nullable=True),
        "provenance": _dict_col(),
        "extra": _dict_col(),
    },
    strict=True,
    ordered=True,
    name="steps",
)

WARNINGS_SCHEMA = pa.DataFrameSchema(
    {
        "sop": pa.Column(int),
        "code": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9-]+$")),
        "step": pa.Column("Int64", nullable=True),
        "message": pa.Column(str),
    },
    strict=True,
    ordered=True,
    name="warnings",
)

SCHEMAS = {"sops": SOPS_SCHEMA, "roles": ROLES_SCHEMA, "steps": STEPS_SCHEMA, "warnings": WARNINGS_SCHEMA}


def empty_frame(name: str) -> pd.DataFrame:
    """An empty DataFrame with the declared columns and dtypes of table ``name``."""
    schema = SCHEMAS[name]
    return pd.DataFrame({c: pd.Series(dtype=col.dtype.type if col.dtype else object)
                         for c, col in schema.columns.items()})


def frame(name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build table ``name`` from row dicts, in declared column order and dtypes."""
    schema = SCHEMAS[name]
    if not records:
        return empty_frame(name)
    df = pd.DataFrame.from_records(records, columns=list(schema.columns))
    for col_name, col in schema.columns.items():
        dtype = str(col.dtype) if col.dtype is not None else "object"
        if dtype == "Int64":
            df[col_name] = pd.array([None if pd.isna(v) else int(v) for v in df[col_name]], dtype="Int64")
        elif dtype in ("float64", "float"):
            df[col_name] = df[col_name].astype("float64")
        elif dtype in ("int64", "int"):
            df[col_name] = df[col_name].astype("int64")
        elif dtype in ("bool",):
            df[col_name] = df[col_name].astype(bool)
        elif dtype == "object":
            # keep None as None (not NaN) in object columns
            df[col_name] = pd.Series([_none_if_nan(v) for v in df[col_name]], dtype=object, index=df.index)
    return df


def _none_if_nan(v: Any) -> Any:
    if isinstance(v, float) and v != v:
        return None
    return v


@dataclass
class SopSet:
    """The SOPs of one or more inputs: four tables joined on ``sop``."""

    sops: pd.DataFrame
    roles: pd.DataFrame
    steps: pd.DataFrame
    warnings: pd.DataFrame

    @classmethod
    def empty(cls) -> SopSet:
        return cls(*(empty_frame(n) for n in ("sops", "roles", "steps", "warnings")))

    def validate(self, stage: str) -> SopSet:
        """Check every table against its schema; raise one readable error naming the stage."""
        for name, schema in SCHEMAS.items():
            df = getattr(self, name)
            try:
                schema.validate(df, lazy=True)
            except pa.errors.SchemaErrors as exc:
                case = exc.failure_cases.iloc[0]
                detail = f"column {case['column']!r} fails {case['check']!r} ({case['failure_case']!r})"
                raise ModelValidationError(f"{stage}: table '{name}' breaks the model: {detail}") from exc
            sops = set(self.sops["sop"]) if len(self.sops) else set()
            if name != "sops" and len(df) and not set(df["sop"]).issubset(sops):
                raise ModelValidationError(f"{stage}: table '{name}' refers to an SOP that does not exist")
        return self

    def __len__(self) -> int:
        return len(self.sops)

    def one(self, sop: int) -> SopSet:
        """The tables of a single SOP (its ``sop`` key kept)."""
        return SopSet(*(df[df["sop"] == sop].reset_index(drop=True)
                        for df in (self.sops, self.roles, self.steps, self.warnings)))

    @classmethod
    def concat(cls, parts: list[SopSet]) -> SopSet:
        """Join several sets, renumbering ``sop`` so keys stay unique."""
        out = {n: [] for n in ("sops", "roles", "steps", "warnings")}
        offset = 0
        for part in parts:
            keys = {old: offset + i for i, old in enumerate(part.sops["sop"])}
            for name in out:
                df = getattr(part, name).copy()
                df["sop"] = df["sop"].map(keys).astype("int64")
                out[name].append(df)
            offset += len(part.sops)
        frames = {}
        for name, dfs in out.items():
            dfs = [d for d in dfs if len(d)]
            frames[name] = (pd.concat(dfs, ignore_index=True) if dfs else empty_frame(name))
        return cls(**frames)
