"""The model and the `sopbaku/1` JSON: lossless round trip and schema checks at the boundary."""

from __future__ import annotations

import json

import pytest

from sopbaku import jsonio
from sopbaku.errors import InputFileError, ModelValidationError
from sopbaku.model import SopSet
from tests.conftest import SEEDS, gold_of


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_json_model_json_is_lossless(seed):
    data = json.loads(gold_of(seed).read_text(encoding="utf-8"))
    assert jsonio.to_json(jsonio.from_json(data)) == data


def test_unknown_fields_survive_the_round_trip():
    data = json.loads(gold_of(SEEDS[0]).read_text(encoding="utf-8"))
    data[0]["review"] = {"by": "Sekcam"}
    data[0]["steps"][0]["confidence"] = 0.5
    data[0]["identity"]["kode"] = "X-1"
    assert jsonio.to_json(jsonio.from_json(data)) == data


def test_steps_table_has_declared_dtypes():
    sets = jsonio.read_json(gold_of(SEEDS[3]))
    assert len(sets) == 12
    assert str(sets.steps["no"].dtype) == "int64"
    assert str(sets.steps["branch_ya"].dtype) == "Int64"
    assert sets.steps["waktu_minutes"].dtype.kind == "f"


def test_validation_names_the_stage_and_column():
    sets = jsonio.read_json(gold_of(SEEDS[0]))
    sets.steps.loc[0, "pelaksana_evidence"] = "guess"
    with pytest.raises(ModelValidationError, match=r"render.*pelaksana_evidence"):
        sets.validate("render")


def test_not_a_sopbaku_document_is_a_clear_input_error():
    with pytest.raises(InputFileError, match="schema"):
        jsonio.from_json([{"steps": []}])


def test_concat_renumbers_sops():
    a = jsonio.read_json(gold_of(SEEDS[0]))
    b = jsonio.read_json(gold_of(SEEDS[2]))
    both = SopSet.concat([a, b]).validate("concat")
    assert list(both.sops["sop"]) == [0, 1, 2]
    assert set(both.steps["sop"]) == {0, 1, 2}
