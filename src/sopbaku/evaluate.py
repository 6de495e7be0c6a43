"""The project's own measuring instrument: the acceptance scorer's figures, in-process.

`sopbaku eval` must report exactly what the held-out acceptance scorer
(``shared/tools/score.py``) would report, so that a change can be judged here
before it is judged there. Every definition below follows that scorer's
docstring; the tests run both on the same damaged outputs and compare every
figure to 1e-9. In short, per file (each figure in [0, 1], ``None`` where the
gold gives it nothing to measure):

- ``sop_count``: min(n_pred, n_gold) / max(n_pred, n_gold).
- ``step_f1``: SOPs are aligned in order by dynamic programming; inside an
  aligned pair a gold step matches the predicted step with the same ``no``.
- ``text``, ``waktu``, ``pelaksana``, ``simbol``, ``branches``: means over
  matched steps (the last three over gold steps that carry the field).
- ``roles`` / ``roles_label``: F1 of the Pelaksana columns, by id or name /
  by normalised header label.
- ``identity``: identity page and signature fields of aligned SOPs.
- ``rowtext``: token F1 of each gold row against its best predicted row.
- ``overall``: weighted mean of the applicable components (:data:`WEIGHTS`).

A format's figure is the mean over its files; the overall figure is the mean
of the format figures, so that every format counts equally. Predictions are
untrusted (they may hold anything), gold files are trusted.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rich.table import Table

from sopbaku.fields import IDENTITY_DATE_FIELDS as DATE_FIELDS
from sopbaku.fields import IDENTITY_LIST_FIELDS as LIST_FIELDS
from sopbaku.fields import STEP_TEXT_FIELDS as TEXT_FIELDS

#: The formats an input can have; each counts equally in the overall figure.
FORMATS = ("pdf-digital", "pdf-scanned", "image", "docx", "text")
#: Weights of the components in a file's overall figure (renormalised over those that apply).
WEIGHTS: dict[str, float] = {
    "step_f1": 0.25,
    "text": 0.20,
    "pelaksana": 0.15,
    "waktu": 0.10,
    "identity": 0.10,
    "simbol": 0.05,
    "branches": 0.05,
    "roles": 0.05,
    "sop_count": 0.05,
}
#: Every reported component: the weighted ones plus two diagnostics.
COMPONENTS = (*WEIGHTS, "roles_label", "rowtext")
#: Components that apply to every file whatever its gold holds.
ALWAYS_APPLICABLE = frozenset({"sop_count", "step_f1", "text", "waktu", "roles", "roles_label", "rowtext"})


#: Similarity from which two names (people, offices, roles, titles) are the same.
NAME_SIMILARITY = 0.9
#: Similarity from which two items of an identity list (dasar hukum ...) are the same.
LIST_ITEM_SIMILARITY = 0.8
#: Alignment pair score: a floor, plus title similarity and kegiatan token F1.
PAIR_FLOOR, PAIR_TITLE, PAIR_KEGIATAN = 0.2, 0.4, 0.4

Sop = dict[str, Any]
Extract = Callable[[Path], list[Any]]


# ---------------------------------------------------------------------------
# Defensive text helpers: a prediction may hold any JSON value anywhere.
# ---------------------------------------------------------------------------
def _get(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]...``, or None as soon as a level is not a dict."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def clean(value: Any) -> str:
    """Any value -> a comparable string: single spaces, case folded, '' for null."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return " ".join(value.split()).casefold()


def loose(value: Any) -> str:
    """Case, punctuation and spacing ignored: for names and header labels."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", clean(value)).split())


def similarity(a: Any, b: Any) -> float:
    """1 - normalised Levenshtein distance of the cleaned texts; two empty texts are equal."""
    a, b = clean(a), clean(b)
    if not a and not b:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def tokens(value: Any) -> list[str]:
    return re.findall(r"[0-9a-z]+", clean(value))


def token_f1(gold: Counter[str], pred: Counter[str]) -> float:
    """F1 of two bags of tokens (two empty bags agree)."""
    if not gold and not pred:
        return 1.0
    common = (gold & pred).total()
    if not common:
        return 0.0
    precision, recall = common / pred.total(), common / gold.total()
    return 2 * precision * recall / (precision + recall)


def f1(tp: int, fp: int, fn: int) -> float:
    """F1 from counts; nothing expected and nothing found is a perfect score."""
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def to_int(value: Any) -> int | None:
    """A step number as printed (3, 3.0, "3", "3.") -> 3; anything else -> None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float) and float(value).is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*\.?\s*", value):
            return int(value.strip().rstrip("."))
    except (ValueError, OverflowError):  # a number too large to be a step number
        pass
    return None


def title_of(sop: Any) -> str:
    """Nama SOP without a leading "Standar Operasional Prosedur (SOP)" or "SOP"."""
    title = clean(_get(sop, "identity", "nama"))
    return re.sub(r"^(standar operasional prosedur\s*(\(sop\))?|sop)\s*:?\s*", "", title)


# ---------------------------------------------------------------------------
# Aligning predicted SOPs with gold SOPs
# ---------------------------------------------------------------------------
def _kegiatan_tokens(sop: Sop) -> Counter[str]:
    return Counter(tokens(" ".join(clean(_get(step, "kegiatan")) for step in _as_list(sop.get("steps")))))


def sop_pair_score(gold: Sop, pred: Sop) -> float:
    """How alike two SOPs are: a floor, the title similarity and the kegiatan token F1.

    The floor makes any pairing better than none, so the alignment pairs as
    many SOPs as both sides have; similarity only decides which.
    """
    gold_title, pred_title = title_of(gold), title_of(pred)
    title = similarity(gold_title, pred_title) if (gold_title or pred_title) else 0.0
    kegiatan = token_f1(_kegiatan_tokens(gold), _kegiatan_tokens(pred))
    return PAIR_FLOOR + PAIR_TITLE * title + PAIR_KEGIATAN * kegiatan


def align_sops(gold: list[Sop], pred: list[Sop]) -> list[tuple[int, int]]:
    """Order-preserving pairing of gold and predicted SOPs with the highest total pair score.

    A file's SOPs come in document order on both sides, so a sequence
    alignment (as for two strings) is the right model; ties are broken towards
    pairing, then towards skipping a gold SOP, exactly as the acceptance
    scorer does.
    """
    scores = [[sop_pair_score(g, p) for p in pred] for g in gold]
    best = [[0.0] * (len(pred) + 1) for _ in range(len(gold) + 1)]
    for i in range(1, len(gold) + 1):
        for j in range(1, len(pred) + 1):
            best[i][j] = max(best[i - 1][j], best[i][j - 1], best[i - 1][j - 1] + scores[i - 1][j - 1])
    pairs, i, j = [], len(gold), len(pred)
    while i > 0 and j > 0:
        if abs(best[i][j] - (best[i - 1][j - 1] + scores[i - 1][j - 1])) < 1e-12:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


# ---------------------------------------------------------------------------
# Roles: a role matches by id, or by a name/label that reads the same
# ---------------------------------------------------------------------------
def role_keys(sop: Sop) -> dict[str, set[str]]:
    """Role id -> the loose texts that name it (its id, name and header labels)."""
    keys: dict[str, set[str]] = {}
    for role in _as_list(sop.get("roles")):
        if isinstance(role, dict) and clean(role.get("id")):
            names = {loose(role.get("id")).replace(" ", "_")}
            names.update(loose(x) for x in [*_as_list(role.get("labels")), role.get("name")] if loose(x))
            keys[clean(role.get("id"))] = names
    return keys


def role_labels(sop: Sop) -> set[str]:
    """The normalised header labels of a SOP's roles (the name where a role has no label)."""
    labels: set[str] = set()
    for role in _as_list(sop.get("roles")):
        if isinstance(role, dict):
            texts = [x for x in _as_list(role.get("labels")) if loose(x)]
            if not texts and loose(role.get("name")):
                texts = [role.get("name")]
            labels.update(loose(x) for x in texts)
    return labels


def same_role(gold_names: set[str], pred_names: set[str]) -> bool:
    """Same id or label, or two multi-word names that read alike (one-word names must agree exactly)."""
    if gold_names & pred_names:
        return True
    return any(
        Levenshtein.normalized_similarity(a, b) >= NAME_SIMILARITY
        for a in gold_names
        for b in pred_names
        if " " in a or " " in b
    )


def performers_equal(
    gold_ids: list[Any], pred_ids: list[Any], gold_keys: dict[str, set[str]], pred_keys: dict[str, set[str]]
) -> bool:
    """Every gold performer is among the predicted ones and vice versa."""
    gold_names = [gold_keys.get(i, {i}) for i in {clean(x) for x in gold_ids}]
    pred_names = [pred_keys.get(j, {j}) for j in {clean(x) for x in pred_ids}]
    return all(any(same_role(g, p) for p in pred_names) for g in gold_names) and all(
        any(same_role(g, p) for g in gold_names) for p in pred_names
    )


# ---------------------------------------------------------------------------
# Identity page and signature
# ---------------------------------------------------------------------------
def _same_name(gold: str, pred: str) -> bool:
    """Names of people and offices: case, punctuation and spacing ignored, small OCR slips forgiven."""
    return Levenshtein.normalized_similarity(loose(gold), loose(pred)) >= NAME_SIMILARITY


def _same_nomor(gold: str, pred: str) -> bool:
    return re.sub(r"\s+", "", gold) == re.sub(r"\s+", "", pred)


def _same_nip(gold: str, pred: str) -> bool:
    return re.sub(r"\D", "", gold) == re.sub(r"\D", "", pred)


def _same_text(gold: str, pred: str) -> bool:
    return gold == pred


def _field_score(gold: Any, pred: Any, same: Callable[[str, str], bool]) -> float | None:
    """One identity field: None when neither side has it, 0 when only one has it."""
    gold_text, pred_text = clean(gold), clean(pred)
    if not gold_text and not pred_text:
        return None
    if not gold_text or not pred_text:
        return 0.0
    return 1.0 if same(gold_text, pred_text) else 0.0


def list_f1(gold_items: Any, pred_items: Any) -> float | None:
    """Item F1 of two lists (dasar hukum ...); a gold item takes its most similar unused prediction."""
    gold = [clean(x) for x in _as_list(gold_items) if clean(x)]
    pred = [clean(x) for x in _as_list(pred_items) if clean(x)]
    if not gold and not pred:
        return None
    used: set[int] = set()
    for item in gold:
        best, best_j = 0.0, None
        for j, candidate in enumerate(pred):
            if j in used:
                continue
            score = Levenshtein.normalized_similarity(item, candidate)
            if score > best:
                best, best_j = score, j
        if best_j is not None and best >= LIST_ITEM_SIMILARITY:
            used.add(best_j)
    return f1(len(used), len(pred) - len(used), len(gold) - len(used))


def identity_scores(gold: Sop, pred: Any) -> list[float]:
    """Per-field scores of one aligned pair, for every field that gold or prediction fills."""
    g_id, p_id = gold.get("identity") or {}, _get(pred, "identity")
    g_by, p_by = _get(g_id, "disahkan_oleh"), _get(p_id, "disahkan_oleh")
    g_sig, p_sig = gold.get("signature"), _get(pred, "signature")
    gold_title = re.sub(r"^sop\s*:?\s*", "", clean(_get(g_id, "nama")))
    fields_: list[float | None] = [
        _field_score(_get(g_id, "instansi"), _get(p_id, "instansi"), _same_name),
        _field_score(_get(g_id, "unit"), _get(p_id, "unit"), _same_name),
        _field_score(_get(g_id, "nomor"), _get(p_id, "nomor"), _same_nomor),
        _field_score(gold_title, title_of(pred), _same_name),
        *(_field_score(_get(g_id, k), _get(p_id, k), _same_text) for k in DATE_FIELDS),
        _field_score(_get(g_by, "jabatan"), _get(p_by, "jabatan"), _same_name),
        _field_score(_get(g_by, "nama"), _get(p_by, "nama"), _same_name),
        _field_score(_get(g_by, "nip"), _get(p_by, "nip"), _same_nip),
        *(list_f1(_get(g_id, k), _get(p_id, k)) for k in LIST_FIELDS),
        _field_score(_get(g_sig, "tempat"), _get(p_sig, "tempat"), _same_name),
        _field_score(_get(g_sig, "tanggal"), _get(p_sig, "tanggal"), _same_text),
        _field_score(_get(g_sig, "jabatan"), _get(p_sig, "jabatan"), _same_name),
        _field_score(_get(g_sig, "nama"), _get(p_sig, "nama"), _same_name),
        _field_score(_get(g_sig, "nip"), _get(p_sig, "nip"), _same_nip),
    ]
    return [x for x in fields_ if x is not None]


def identity_field_count(gold: Sop) -> int:
    """How many identity fields a gold SOP fills: what an unaligned gold SOP loses."""
    return len(identity_scores(gold, {}))


# ---------------------------------------------------------------------------
# Row text: the one metric a generic table extractor can be given too
# ---------------------------------------------------------------------------
def _gold_row(step: dict[str, Any]) -> Counter[str]:
    waktu = step["waktu"]["raw"] if step.get("waktu") else ""
    return Counter(tokens(" ".join(x or "" for x in (step["kegiatan"], step["kelengkapan"], waktu, step["output"]))))


def _pred_row(step: Any) -> Counter[str]:
    waktu = _get(step, "waktu")
    if isinstance(waktu, dict):
        waktu = waktu.get("raw")
    parts = (_get(step, "kegiatan"), _get(step, "kelengkapan"), waktu, _get(step, "output"))
    return Counter(tokens(" ".join(clean(x) for x in parts)))


def table_row(cells: Iterable[Any]) -> Counter[str]:
    """A generic table extractor's row (its cell texts, in any order) as the bag of tokens row text compares."""
    return Counter(tokens(" ".join(clean(x) for x in cells)))


def rowtext_score(gold: list[Sop], pred: list[Sop]) -> float | None:
    """Mean over gold steps of the best token F1 against any predicted row of the file.

    Rows are compared across SOP boundaries and without step numbers, so the
    figure measures reading the table's text, not understanding its structure.
    """
    return rowtext_of_rows(gold, [_pred_row(step) for sop in pred for step in _as_list(sop.get("steps"))])


def rowtext_of_rows(gold: list[Sop], pred_rows: list[Counter[str]]) -> float | None:
    """:func:`rowtext_score` against bare rows of tokens: what a baseline that only finds tables is scored on."""
    gold_rows = [_gold_row(step) for sop in gold for step in sop["steps"]]
    if not gold_rows:
        return None
    pred_rows = [row for row in pred_rows if row]
    if not pred_rows:
        return 0.0
    return sum(_best_row_f1(row, pred_rows) for row in gold_rows) / len(gold_rows)


def _best_row_f1(gold_row: Counter[str], pred_rows: list[Counter[str]]) -> float:
    """Rows sharing no token with the gold row score 0, so they are skipped unmeasured."""
    return max((token_f1(gold_row, row) for row in pred_rows if not gold_row.keys().isdisjoint(row)), default=0.0)


# ---------------------------------------------------------------------------
# Comparing steps of an aligned pair
# ---------------------------------------------------------------------------
def waktu_equal(gold: dict[str, Any] | None, pred: Any) -> bool:
    """Same (value, unit); an unparsed gold duration compares by its raw text."""
    if gold is None:
        return pred is None or pred == "" or (isinstance(pred, dict) and pred.get("value") is None)
    if not isinstance(pred, dict):
        return False
    if gold.get("value") is None:
        return pred.get("value") is None and clean(pred.get("raw")) == clean(gold.get("raw"))
    try:
        value = float(pred.get("value"))
    except (TypeError, ValueError):
        return False
    return abs(value - float(gold["value"])) < 1e-6 and clean(pred.get("unit")) == gold["unit"]


def branches_equal(gold: dict[str, int], pred: Any) -> bool:
    return (
        isinstance(pred, dict) and to_int(pred.get("ya")) == gold["ya"] and to_int(pred.get("tidak")) == gold["tidak"]
    )


@dataclass
class _Counts:
    """True positives, false positives and false negatives of one matching."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def f1(self) -> float:
        return f1(self.tp, self.fp, self.fn)


@dataclass
class _Tally:
    """Everything gathered over a file's SOP pairs before the figures are computed."""

    steps: _Counts = field(default_factory=_Counts)
    roles: _Counts = field(default_factory=_Counts)
    labels: _Counts = field(default_factory=_Counts)
    identity: list[float] = field(default_factory=list)
    per_step: dict[str, list[float]] = field(
        default_factory=lambda: {k: [] for k in ("text", "waktu", "pelaksana", "simbol", "branches")}
    )

    def add(self, component: str, ok: bool) -> None:
        self.per_step[component].append(1.0 if ok else 0.0)


def _steps_by_no(steps: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Predicted steps by their integer number; the first of two steps with one number wins."""
    by_no: dict[int, dict[str, Any]] = {}
    for step in steps:
        no = to_int(step.get("no"))
        if no is not None and no not in by_no:
            by_no[no] = step
    return by_no


def _compare_step(gold: dict[str, Any], pred: dict[str, Any], roles: tuple[dict, dict], tally: _Tally) -> None:
    """Add one matched step's per-step components (those its gold carries) to the tally."""
    tally.per_step["text"].append(sum(similarity(gold[k], pred.get(k)) for k in TEXT_FIELDS) / len(TEXT_FIELDS))
    tally.add("waktu", waktu_equal(gold["waktu"], pred.get("waktu")))
    if gold["pelaksana"]:
        performers = pred.get("pelaksana")
        tally.add("pelaksana", isinstance(performers, list) and performers_equal(gold["pelaksana"], performers, *roles))
    if gold["simbol"] is not None:
        tally.add("simbol", clean(pred.get("simbol")) == gold["simbol"])
    if gold["branches"]:
        tally.add("branches", branches_equal(gold["branches"], pred.get("branches")))


def _compare_pair(gold: Sop, pred: Sop, tally: _Tally) -> None:
    """Steps, roles and identity of one aligned pair of SOPs."""
    pred_steps = [st for st in _as_list(pred.get("steps")) if isinstance(st, dict)]
    by_no = _steps_by_no(pred_steps)
    gold_keys, pred_keys = role_keys(gold), role_keys(pred)
    matched = 0
    for step in gold["steps"]:
        if (pred_step := by_no.get(step["no"])) is None:
            tally.steps.fn += 1
            continue
        matched += 1
        _compare_step(step, pred_step, (gold_keys, pred_keys), tally)
    tally.steps.tp += matched
    tally.steps.fp += len(pred_steps) - matched

    found = {i for i in gold_keys if any(same_role(gold_keys[i], pred_keys[j]) for j in pred_keys)}
    right = {j for j in pred_keys if any(same_role(gold_keys[i], pred_keys[j]) for i in gold_keys)}
    tally.roles.tp += len(found)
    tally.roles.fp += len(pred_keys) - len(right)
    tally.roles.fn += len(gold_keys) - len(found)

    gold_labels, pred_labels = role_labels(gold), role_labels(pred)
    tally.labels.tp += len(gold_labels & pred_labels)
    tally.labels.fp += len(pred_labels - gold_labels)
    tally.labels.fn += len(gold_labels - pred_labels)
    tally.identity += identity_scores(gold, pred)


def _miss_gold(gold: Sop, tally: _Tally) -> None:
    """A gold SOP no prediction was aligned with: all of it is missed.

    Its steps also count as wrong performers, symbols and branches, so that
    dropping a whole SOP cannot raise those means.
    """
    tally.steps.fn += len(gold["steps"])
    tally.roles.fn += len(role_keys(gold))
    tally.labels.fn += len(role_labels(gold))
    tally.identity += [0.0] * identity_field_count(gold)
    for step in gold["steps"]:
        if step["pelaksana"]:
            tally.add("pelaksana", False)
        if step["simbol"] is not None:
            tally.add("simbol", False)
        if step["branches"]:
            tally.add("branches", False)


def _extra_pred(pred: Sop, tally: _Tally) -> None:
    """A predicted SOP aligned with no gold SOP: all of it is extra."""
    tally.steps.fp += len(_as_list(pred.get("steps")))
    tally.roles.fp += len(role_keys(pred))
    tally.labels.fp += len(role_labels(pred))


# ---------------------------------------------------------------------------
# Scoring one file
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StepCounts:
    gold_sops: int = 0
    pred_sops: int = 0
    gold_steps: int = 0
    matched_steps: int = 0
    extra_steps: int = 0


@dataclass(frozen=True)
class FileScore:
    """Component figures of one file; None where the gold gives the component nothing to measure."""

    step_f1: float | None
    text: float | None
    pelaksana: float | None
    waktu: float | None
    identity: float | None
    simbol: float | None
    branches: float | None
    roles: float | None
    sop_count: float | None
    roles_label: float | None
    rowtext: float | None
    overall: float
    counts: StepCounts

    def components(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in COMPONENTS}


def applicable(gold: list[Sop]) -> set[str]:
    """The components a file is scored on; decided by the gold alone, never by the prediction."""
    steps = [step for sop in gold for step in sop["steps"]]
    found = set(ALWAYS_APPLICABLE)
    if any(step["pelaksana"] for step in steps):
        found.add("pelaksana")
    if any(step["simbol"] is not None for step in steps):
        found.add("simbol")
    if any(step["branches"] for step in steps):
        found.add("branches")
    if any(identity_field_count(sop) for sop in gold):
        found.add("identity")
    return found


def weighted_overall(components: dict[str, float | None]) -> float:
    """Weighted mean of the components that apply, weights renormalised over them."""
    total = weight = 0.0
    for name, w in WEIGHTS.items():
        value = components.get(name)
        if value is not None:
            total += w * value
            weight += w
    return total / weight if weight else 0.0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _file_score(gold: list[Sop], figures: dict[str, float | None], counts: StepCounts) -> FileScore:
    """Applicable components default to 0 (nothing to show for them); the others are None."""
    applies = applicable(gold)
    figures = {k: ((v if v is not None else 0.0) if k in applies else None) for k, v in figures.items()}
    return FileScore(**figures, overall=weighted_overall(figures), counts=counts)


def score_file(gold: list[Sop], pred: list[Any]) -> FileScore:
    """Compare one file's predicted SOPs with its gold SOPs.

    Raises ValueError when ``pred`` is not a list; anything inside it that is
    not an object is ignored.
    """
    if not isinstance(pred, list):
        raise ValueError("prediction is not a JSON array")
    pred = [p for p in pred if isinstance(p, dict)]
    pairs = align_sops(gold, pred)
    tally = _Tally()
    for gi, pi in pairs:
        _compare_pair(gold[gi], pred[pi], tally)
    for sop in (g for gi, g in enumerate(gold) if gi not in {i for i, _ in pairs}):
        _miss_gold(sop, tally)
    for sop in (p for pi, p in enumerate(pred) if pi not in {j for _, j in pairs}):
        _extra_pred(sop, tally)
    figures = {
        "sop_count": min(len(gold), len(pred)) / max(len(gold), len(pred)) if pred else 0.0,
        "step_f1": tally.steps.f1(),
        "roles": tally.roles.f1(),
        "roles_label": tally.labels.f1(),
        "identity": _mean(tally.identity),
        "rowtext": rowtext_score(gold, pred),
        **{k: _mean(v) for k, v in tally.per_step.items()},
    }
    counts = StepCounts(
        gold_sops=len(gold),
        pred_sops=len(pred),
        gold_steps=sum(len(sop["steps"]) for sop in gold),
        matched_steps=tally.steps.tp,
        extra_steps=tally.steps.fp,
    )
    return _file_score(gold, figures, counts)


def zero_score(gold: list[Sop]) -> FileScore:
    """The score of a file whose extraction failed: 0 on everything that applies."""
    counts = StepCounts(gold_sops=len(gold), gold_steps=sum(len(sop["steps"]) for sop in gold))
    applies = applicable(gold)
    figures = {k: (0.0 if k in applies else None) for k in COMPONENTS}
    return FileScore(**figures, overall=0.0, counts=counts)


# ---------------------------------------------------------------------------
# Evaluating a folder
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One input file with its gold file, its format and its page count."""

    path: Path
    gold_path: Path
    format: str
    pages: int


def _case_from_gold(path: Path, gold_path: Path) -> Case:
    """Format and pages from the gold: a text file, or one whose SOPs name no pages, counts one page."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    fmt = gold[0]["source"]["format"] if gold else "text"
    pages = {p for sop in gold for p in sop["source"].get("pages") or []}
    return Case(path, gold_path, fmt, max(1, len(pages)))


def find_cases(folder: Path, gold_dir: Path | None = None) -> list[Case]:
    """The scored inputs of a folder: from its ``manifest.json`` or, without one, every file with a gold.

    A manifest maps a file name to ``{"format", "pages", "gold"}`` (gold
    relative to the folder). Without it, ``<stem>.gold.json`` is looked up in
    ``gold_dir`` (default: the folder itself).
    """
    manifest = folder / "manifest.json"
    if manifest.exists():
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        return [Case(folder / name, folder / m["gold"], m["format"], m["pages"]) for name, m in entries.items()]
    gold_dir = gold_dir or folder
    inputs = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".gold.json"))
    pairs = ((path, gold_dir / f"{path.stem}.gold.json") for path in inputs)
    return [_case_from_gold(path, gold_path) for path, gold_path in pairs if gold_path.exists()]


@dataclass(frozen=True)
class FileResult:
    """One input's row of the report."""

    file: str
    format: str
    pages: int
    seconds: float
    status: str  # ok | crash | invalid-json | unscorable
    error: str
    score: FileScore

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / self.pages


@dataclass(frozen=True)
class FormatSummary:
    """Means over the files of one format (or of all files)."""

    files: int
    ok: int
    figures: dict[str, float | None]  # COMPONENTS and "overall"
    pages: int
    seconds: float

    @property
    def overall(self) -> float | None:
        return self.figures["overall"]

    @property
    def seconds_per_page(self) -> float | None:
        return self.seconds / self.pages if self.pages else None


def summarize(rows: list[FileResult]) -> FormatSummary:
    """Each figure is the mean over the files it applies to."""
    figures: dict[str, float | None] = {}
    for name in (*COMPONENTS, "overall"):
        figures[name] = _mean([v for r in rows if (v := getattr(r.score, name)) is not None])
    return FormatSummary(
        files=len(rows),
        ok=sum(r.status == "ok" for r in rows),
        figures=figures,
        pages=sum(r.pages for r in rows),
        seconds=sum(r.seconds for r in rows),
    )


@dataclass(frozen=True)
class Report:
    """Per-file rows, per-format means and the overall figure of one evaluation.

    ``formats`` has one summary per format present, in :data:`FORMATS` order,
    and ``"all"``, whose component figures are means over every file and whose
    overall is :attr:`overall`. Only the five known formats get a row and count
    in the overall figure, as in the acceptance scorer.
    """

    files: list[FileResult]
    formats: dict[str, FormatSummary]
    overall: float

    @classmethod
    def from_rows(cls, rows: list[FileResult]) -> Report:
        """Per-format means, then the overall as the mean of the format figures (every format counts equally)."""
        table = {fmt: summarize(sub) for fmt in FORMATS if (sub := [r for r in rows if r.format == fmt])}
        per_format = [s.overall or 0.0 for s in table.values()]
        overall = sum(per_format) / len(per_format) if per_format else 0.0
        if rows:
            everything = summarize(rows)
            table["all"] = replace(everything, figures={**everything.figures, "overall": overall})
        return cls(rows, table, overall)

    def to_json(self) -> dict[str, Any]:
        """Every figure, laid out as the acceptance scorer's ``--json`` output (plus ``overall``)."""
        return {
            "weights": WEIGHTS,
            "overall": self.overall,
            "formats": {fmt: _summary_json(s) for fmt, s in self.formats.items()},
            "files": [_file_json(r) for r in self.files],
        }

    def table(self) -> Table:
        """The per-format table for the terminal, columns as the acceptance scorer prints them."""
        table = Table(title=f"OVERALL {self.overall:.4f} (mean of the per-format figures)")
        for name in ("format", "files", "ok", *TABLE_COLUMNS, "s_per_page"):
            table.add_column(name, justify="left" if name == "format" else "right")
        for fmt, summary in self.formats.items():
            cells = [_cell(summary.figures[c], 3) for c in TABLE_COLUMNS]
            table.add_row(fmt, str(summary.files), str(summary.ok), *cells, _cell(summary.seconds_per_page, 2))
        return table


#: Figure columns of the terminal table, in the acceptance scorer's order.
TABLE_COLUMNS = (
    "overall",
    "step_f1",
    "text",
    "waktu",
    "pelaksana",
    "simbol",
    "branches",
    "roles",
    "roles_label",
    "identity",
    "sop_count",
    "rowtext",
)


def _cell(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _summary_json(summary: FormatSummary) -> dict[str, Any]:
    return {
        "files": summary.files,
        "ok": summary.ok,
        **summary.figures,
        "pages": summary.pages,
        "seconds": summary.seconds,
        "s_per_page": summary.seconds_per_page,
    }


def _file_json(row: FileResult) -> dict[str, Any]:
    score = row.score
    return {
        "file": row.file,
        "format": row.format,
        "pages": row.pages,
        "seconds": row.seconds,
        "seconds_per_page": row.seconds_per_page,
        "status": row.status,
        "error": row.error,
        "scores": {**score.components(), "overall": score.overall, "counts": asdict(score.counts)},
    }


def _score_prediction(gold: list[Sop], pred: Any) -> tuple[str, str, FileScore]:
    """Status, error message and score of what an extractor returned."""
    if not isinstance(pred, list):
        return "invalid-json", f"extract returned {type(pred).__name__}, not a list", zero_score(gold)
    try:
        return "ok", "", score_file(gold, pred)
    except Exception as exc:  # a malformed prediction must not stop the benchmark
        return "unscorable", f"{type(exc).__name__}: {exc}", zero_score(gold)


def run_case(case: Case, extract: Extract) -> FileResult:
    """Extract one input (only that is timed) and score it; a crash scores 0 instead of stopping the run."""
    gold = json.loads(case.gold_path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    try:
        pred, crash = extract(case.path), None
    except Exception as exc:  # the benchmark goes on past a crashing extractor
        pred, crash = None, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    status, error, score = ("crash", crash, zero_score(gold)) if crash else _score_prediction(gold, pred)
    return FileResult(case.path.name, case.format, case.pages, seconds, status, error, score)


def evaluate(
    folder: Path,
    extract: Extract,
    formats: Collection[str] | None = None,
    gold_dir: Path | None = None,
    on_file: Callable[[FileResult], None] | None = None,
) -> Report:
    """Run ``extract`` on every scored input of ``folder`` and score what it returns.

    ``extract(path)`` returns the JSON array of SOPs as Python objects (what
    ``sopbaku extract`` prints). ``formats`` keeps only inputs of those
    formats; ``gold_dir`` holds the gold files when the folder has no
    manifest; ``on_file`` is called after each file (progress display).
    """
    rows: list[FileResult] = []
    for case in find_cases(Path(folder), gold_dir):
        if formats is not None and case.format not in formats:
            continue
        rows.append(run_case(case, extract))
        if on_file is not None:
            on_file(rows[-1])
    return Report.from_rows(rows)
