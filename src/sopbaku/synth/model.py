"""Random SOP AP documents as gold `sopbaku/1` dicts (shared/spec/sop-json.md).

One generated document is a list of SOP dicts that describe *everything* the
document shows: performers and flowchart shapes of each step, decision
branches, identity page, signature. Every rendering (PDF, scan, DOCX, text
export, OCR dump) is drawn from these dicts, and the gold of each rendering is
derived from them by :func:`as_rendered`, which removes what that format
loses (a text export has no drawing, so no performers or shapes).

The workflow of a step list is built from ordered *slots* (order, delegate,
collect, draft, review, sign, archive ...), so that activities, performers,
documents passed from step to step and decision loops hang together the way
they do in real SOPs, whatever subset of slots is drawn.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Literal

from sopbaku.synth import vocab
from sopbaku.synth.vocab import Agency, Level, RoleChoice, Topic

Evidence = Literal["symbol", "mark", "none"]
WaktuStyle = Literal["phrase", "bare"]

CONVENTIONS = {"minutes_per_hour": 60, "hours_per_day": 7.5}
MINUTES_PER_UNIT = {"menit": 1, "jam": 60, "hari": 450}  # a working day is 7.5 hours
#: Column order of roles, from the top of the hierarchy down.
HIERARCHY: tuple[Level, ...] = ("above", "top", "mid", "low", "low2", "team", "staff", "staff2", "ext")


@dataclass(frozen=True)
class Slot:
    """One place in a workflow: who acts, what they do, what goes in and out.

    Texts may use ``{obj}``/``{Obj}`` (the topic's object), ``{next}`` (the
    role of the following step) and, in decision texts, ``{back}`` (the role
    a rejected draft returns to).
    """

    key: str
    levels: tuple[Level, ...]
    texts: tuple[str, ...]
    outputs: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    durations: tuple[tuple[int, int, str], ...] = ((5, 15, "menit"),)
    required: bool = False
    decision_p: float = 0.0  # chance that the step is drawn as a decision
    decision_texts: tuple[str, ...] = ()
    keterangan: tuple[str, ...] = ()


_REVIEW = (
    "Memeriksa konsep {obj}. Jika setuju diparaf dan diteruskan kepada {next}, jika tidak dikembalikan kepada "
    "{back} untuk diperbaiki",
    "Memeriksa konsep {obj}, jika setuju diteruskan kepada {next}, jika tidak setuju dikembalikan kepada {back} "
    "untuk diperbaiki",
    "Meneliti dan memeriksa {obj}. Bila setuju memberi paraf, jika tidak dikembalikan kepada {back} untuk "
    "diperbaiki",
)

DOKUMEN_SLOTS = (
    Slot("start", ("top",), ("Memerintahkan penyusunan {obj}", "Mendisposisikan surat permintaan penyusunan {obj}",
                             "Memberikan arahan dan disposisi penyusunan {obj}"),
         ("Disposisi", "Lembar disposisi", "Disposisi pimpinan"),
         ("Surat edaran", "Lembar disposisi", "Surat permintaan {obj}", "Nota dinas"), required=True),
    Slot("delegate", ("mid",), ("Meneruskan disposisi kepada {next} untuk menyiapkan bahan {obj}",
                                "Menindaklanjuti disposisi dan memberi arahan kepada {next}"),
         ("Disposisi", "Arahan teknis"), ("Lembar disposisi",), ((5, 15, "menit"), (10, 30, "menit"))),
    Slot("instruct", ("low",), ("Membuat konsep nota permintaan bahan {obj} kepada masing-masing seksi",
                                "Menyiapkan format pengumpulan data {obj}"),
         ("Nota permintaan bahan {obj}", "Format pengumpulan data"), ("Disposisi",),
         ((15, 60, "menit"), (1, 2, "jam"))),
    Slot("collect", ("staff",), ("Mengumpulkan data dan bahan penyusunan {obj}",
                                 "Menghimpun data dari masing-masing seksi dan sekretariat"),
         ("Bahan {obj}", "Data pendukung {obj}"), ("Format pengumpulan data", "Nota permintaan bahan"),
         ((1, 3, "hari"), (2, 4, "jam"))),
    Slot("meeting", ("low", "team"), ("Melaksanakan rapat pembahasan {obj}", "Membahas bahan {obj} bersama tim"),
         ("Notulen rapat", "Hasil pembahasan {obj}"), ("Undangan rapat", "Bahan {obj}"),
         ((1, 3, "jam"), (60, 120, "menit")), keterangan=("SOP Pelaksanaan Rapat",)),
    Slot("draft", ("staff",), ("Menyusun konsep {obj}", "Menyusun draf {obj} berdasarkan bahan yang telah dihimpun"),
         ("Konsep {obj}", "Draf {obj}"), ("Bahan {obj}", "Data pendukung"),
         ((1, 2, "hari"), (60, 240, "menit")), required=True),
    Slot("type", ("staff2",), ("Mengetik konsep {obj}", "Mengetik dan mencetak konsep {obj}"),
         ("Ketikan konsep {obj}",), ("Konsep {obj}",), ((30, 60, "menit"), (1, 2, "jam"))),
    Slot("review1", ("low",), ("Memeriksa konsep {obj}",), ("Konsep {obj} yang telah diparaf",), ("Konsep {obj}",),
         ((10, 30, "menit"),), required=True, decision_p=1.0, decision_texts=_REVIEW),
    Slot("review2", ("mid",), ("Memberi paraf pada konsep {obj}", "Meneliti dan memaraf konsep {obj}"),
         ("Konsep {obj} yang telah diparaf",), ("Konsep {obj} yang telah diparaf",),
         ((10, 30, "menit"), (1, 1, "jam")), decision_p=0.6, decision_texts=_REVIEW),
    Slot("sign", ("top",), ("Menandatangani {obj}", "Memeriksa dan menandatangani {obj}"),
         ("{Obj} yang telah ditandatangani",), ("Konsep {obj} yang telah diparaf",),
         ((5, 15, "menit"), (1, 1, "hari")), required=True, decision_p=0.25,
         decision_texts=("Memeriksa dan menandatangani {obj}. Jika setuju ditandatangani, jika tidak dikembalikan "
                         "kepada {back} untuk diperbaiki",)),
    Slot("above", ("above",), ("Menerima {obj} sebagai bahan evaluasi", "Menerima dan menindaklanjuti {obj}"),
         ("Tanda terima {obj}",), ("{Obj} yang telah ditandatangani",), ((1, 2, "hari"),)),
    Slot("order", ("mid",), ("Memerintahkan untuk mengagenda dan mendistribusikan {obj}",),
         ("{Obj} yang telah ditandatangani",), ("{Obj} yang telah ditandatangani",), ((5, 10, "menit"),)),
    Slot("number", ("staff",), ("Mengagendakan dan memberi nomor {obj}",
                                "Memberi nomor, tanggal dan stempel pada {obj}"),
         ("{Obj} yang telah bernomor",), ("{Obj} yang telah ditandatangani",), ((10, 15, "menit"),),
         keterangan=("SOP Penomoran Surat",)),
    Slot("distribute", ("staff2",), ("Menggandakan dan mendistribusikan {obj} kepada pihak terkait",
                                     "Mengirimkan {obj} kepada instansi terkait"),
         ("Bukti pengiriman", "Tanda terima"), ("{Obj} yang telah bernomor",),
         ((30, 60, "menit"), (1, 1, "hari")), keterangan=("SOP Pengiriman Surat", "Melalui aplikasi SRIKANDI")),
    Slot("upload", ("staff2",), ("Mengunggah {obj} ke aplikasi pelaporan",),
         ("Bukti unggah {obj}",), ("Softcopy {obj}",), ((15, 30, "menit"),)),
    Slot("end", ("staff",), ("Mengarsipkan {obj}", "Mendokumentasikan dan mengarsipkan {obj}"),
         ("Arsip {obj}",), ("{Obj} yang telah ditandatangani",), ((10, 15, "menit"),), required=True),
)

LAYANAN_SLOTS = (
    Slot("start", ("ext",), ("Mengajukan permohonan {obj} dengan melampirkan persyaratan",
                             "Menyerahkan berkas permohonan {obj}"),
         ("Berkas permohonan",), ("KTP, KK dan surat pengantar RT/RW", "Formulir permohonan"), required=True),
    Slot("check", ("staff",), ("Menerima dan memeriksa kelengkapan berkas permohonan",),
         ("Berkas permohonan lengkap",), ("Berkas permohonan",), ((10, 15, "menit"),), required=True,
         decision_p=0.8,
         decision_texts=("Memeriksa kelengkapan berkas permohonan. Jika lengkap diteruskan kepada {next}, jika "
                         "tidak dikembalikan kepada {back} untuk dilengkapi",)),
    Slot("register", ("staff",), ("Mencatat permohonan dalam buku register pelayanan",),
         ("Buku register",), ("Berkas permohonan lengkap",), ((5, 10, "menit"),)),
    Slot("verify", ("low",), ("Memverifikasi berkas permohonan {obj}", "Meneliti berkas dan memberi paraf"),
         ("Berkas terverifikasi",), ("Berkas permohonan lengkap",), ((15, 30, "menit"), (1, 1, "jam")),
         required=True),
    Slot("survey", ("low", "team"), ("Melakukan peninjauan lapangan bersama tim", "Melakukan verifikasi lapangan"),
         ("Berita acara peninjauan",), ("Berkas terverifikasi",), ((1, 2, "hari"),)),
    Slot("draft", ("staff2",), ("Mengetik konsep {obj}", "Membuat konsep {obj}"),
         ("Konsep {obj}",), ("Berkas terverifikasi",), ((15, 30, "menit"),)),
    Slot("review1", ("low",), ("Memeriksa konsep {obj}",), ("Konsep {obj} yang telah diparaf",), ("Konsep {obj}",),
         ((10, 15, "menit"),), decision_p=0.8, decision_texts=_REVIEW),
    Slot("review2", ("mid",), ("Memberi paraf pada konsep {obj}",), ("Konsep {obj} yang telah diparaf",),
         ("Konsep {obj} yang telah diparaf",), ((10, 15, "menit"),), decision_p=0.5, decision_texts=_REVIEW),
    Slot("sign", ("top",), ("Menandatangani {obj}",), ("{Obj} yang telah ditandatangani",),
         ("Konsep {obj} yang telah diparaf",), ((5, 15, "menit"),), required=True),
    Slot("number", ("staff",), ("Membubuhkan nomor dan stempel pada {obj}",), ("{Obj} yang telah bernomor",),
         ("{Obj} yang telah ditandatangani",), ((5, 10, "menit"),)),
    Slot("handover", ("staff",), ("Menyerahkan {obj} kepada {next}",), ("{Obj}",), ("{Obj} yang telah bernomor",),
         ((5, 10, "menit"),)),
    Slot("end", ("ext",), ("Menerima {obj}", "Menerima {obj} dan menandatangani buku ekspedisi"),
         ("{Obj}",), ("{Obj}",), ((5, 10, "menit"),), required=True),
)


@dataclass
class Office:
    """The issuing office shared by all SOPs of one document."""

    agency: Agency
    instansi: str
    unit: str
    place: str  # town named in signature blocks
    kab: str
    head: dict[str, str]  # jabatan, nama, nip of the signer
    upper: bool  # the office prints names in capitals
    fields: dict[str, str] = field(default_factory=dict)  # place names and codes for SOP numbers


# --------------------------------------------------------------------------- public API
def make_sops(rng: random.Random, n_sops: int) -> list[dict[str, Any]]:
    """``n_sops`` gold SOP dicts of one document from one office; deterministic for ``rng``'s state.

    ``source`` is left blank (format ``pdf-digital``, no file): :func:`as_rendered`
    fills it for each rendering.
    """
    office = _office(rng)
    topics = [t for t in vocab.TOPICS if office.agency.kind in t.agencies]
    with_identity = rng.random() < 0.8
    return [_make_sop(rng, office, topic, with_identity) for topic in rng.sample(topics, min(n_sops, len(topics)))]


def has_identity_page(sop: dict[str, Any]) -> bool:
    """Whether the SOP is printed with an identity page (any identity field besides the name)."""
    ident = sop["identity"]
    return any(v for k, v in ident.items() if k != "nama")


def as_rendered(sop: dict[str, Any], evidence: Evidence, source: dict[str, Any]) -> dict[str, Any]:
    """The gold of one rendering: what a reader of that format can recover, per the spec.

    ``symbol``: the drawing survives (PDF, scan, DOCX shapes/pictures), keep everything.
    ``mark``: tick marks name the performers but carry no shape, so ``simbol`` is null.
    ``none``: text exports and OCR dumps lose the drawing: no performers, no shapes,
    and a decision's "tidak" target (an arrow) is unknown, so only "ya" is kept.
    """
    out = copy.deepcopy(sop)
    out["source"] = dict(source)
    for step in out["steps"]:
        step["pelaksana_evidence"] = evidence
        if evidence == "mark":
            step["simbol"] = None
        elif evidence == "none":
            step["pelaksana"], step["simbol"] = [], None
            if step["branches"]:
                step["branches"]["tidak"] = None
                step["next"] = [step["branches"]["ya"]]
    return out


def page_part(sop: dict[str, Any], steps: set[int], *, title: bool, signature: bool) -> dict[str, Any]:
    """The part of an SOP one table page shows: some rows, perhaps the title and the signature.

    Used for one-image-per-page renderings, where each image file is an input
    of its own. The identity page is elsewhere, so only the name survives, and
    only when the table title is printed on this page.
    """
    out = copy.deepcopy(sop)
    out["identity"] = _absent_identity(out["identity"]["nama"] if title else None)
    out["steps"] = [s for s in out["steps"] if s["no"] in steps]
    if not signature:
        out["signature"] = None
    out["warnings"] = [_warning("identity-missing", "One page of a longer document: no identity page.")]
    return out


# --------------------------------------------------------------------------- office and people
def _office(rng: random.Random) -> Office:
    agency = _weighted(rng, vocab.AGENCIES)
    kab, kec = rng.choice(vocab.KABUPATEN), rng.choice(vocab.KECAMATAN_NAMES)
    upper = rng.random() < 0.3
    unit_name = rng.choice(agency.unit)
    fields = {"kab": kab, "kab_u": kab.upper(), "kec": kec, "kec_u": kec.upper(),
              "code": _code(kec), "code_u": _code(kec).upper(), "code_n": str(rng.randint(310, 330))}
    unit = unit_name.format(**fields)
    instansi = rng.choice(agency.instansi).format(**fields)
    jabatan = agency.signer.format(unit=unit, **fields)
    if upper:
        instansi, unit, jabatan = instansi.upper(), unit.upper(), jabatan.upper()
    head = {"jabatan": jabatan, "nama": _person(rng, upper), "nip": _nip(rng)}
    place = kec if agency.kind == "kecamatan" else kab
    return Office(agency, instansi, unit, place, kab, head, upper, fields)


def _code(name: str) -> str:
    """A short office code the way numbers abbreviate it: "Bungursari" -> "Bgs"."""
    consonants = [c for c in name.replace(" ", "") if c.lower() not in "aiueo"]
    return (name[0] + "".join(consonants[1:3])).capitalize()


def _person(rng: random.Random, upper: bool) -> str:
    name = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"
    if upper:
        name = name.upper()
    before = " ".join(rng.sample(vocab.TITLES_BEFORE, rng.choice((0, 0, 1, 2))))
    after = ", ".join(rng.sample(vocab.TITLES_AFTER, rng.choice((1, 1, 2))))
    return f"{before + ' ' if before else ''}{name}, {after}"


def _nip(rng: random.Random) -> str:
    """An 18-digit NIP: birth date, appointment month, sex, sequence number."""
    birth = dt.date(rng.randint(1965, 1990), rng.randint(1, 12), rng.randint(1, 28))
    appointed = f"{birth.year + rng.randint(22, 30)}{rng.randint(1, 12):02d}"
    return f"{birth:%Y%m%d}{appointed}{rng.randint(1, 2)}{rng.randint(1, 12):03d}"


# --------------------------------------------------------------------------- one SOP
def _make_sop(rng: random.Random, office: Office, topic: Topic, with_identity: bool) -> dict[str, Any]:
    slots = _pick_slots(rng, DOKUMEN_SLOTS if topic.kind == "dokumen" else LAYANAN_SLOTS)
    cast = _cast(rng, office.agency, [lvl for s in slots for lvl in s.levels])
    labels = {lvl: _label(rng, role, office.upper) for lvl, role in cast.items()}
    waktu_style: WaktuStyle = "bare" if rng.random() < 0.2 else "phrase"
    steps = _make_steps(rng, slots, cast, labels, topic, waktu_style)
    roles = _columns(rng, cast, labels, topic)
    nama = topic.nama.upper() if rng.random() < 0.25 else topic.nama
    if with_identity:
        identity = _identity(rng, office, topic, nama, cast)
    else:
        identity = _absent_identity(nama if rng.random() < 0.8 else None)
    signature = _signature(rng, office) if rng.random() < 0.4 else None
    warnings = [] if has_identity_page({"identity": identity}) else [
        _warning("identity-missing", "No identity page: only the flowchart table is printed.")]
    return {
        "schema": "sopbaku/1",
        "source": {"file": "", "sha256": "", "format": "pdf-digital", "pages": []},
        "identity": identity,
        "roles": roles,
        "steps": steps,
        "signature": signature,
        "conventions": dict(CONVENTIONS),
        "warnings": warnings,
    }


def _pick_slots(rng: random.Random, slots: tuple[Slot, ...]) -> list[Slot]:
    """Required slots plus a random subset of the optional ones, in workflow order: 5-16 steps."""
    optional = [i for i, s in enumerate(slots) if not s.required]
    n_required = len(slots) - len(optional)
    n_steps = rng.randint(5, min(16, len(slots)))
    chosen = set(rng.sample(optional, n_steps - n_required))
    return [s for i, s in enumerate(slots) if s.required or i in chosen]


def _cast(rng: random.Random, agency: Agency, levels: list[Level]) -> dict[Level, RoleChoice]:
    """A role for each hierarchy level used, distinct roles where the agency has enough."""
    cast: dict[Level, RoleChoice] = {}
    for level in HIERARCHY:
        if level not in levels:
            continue
        pool = agency.levels[level]
        free = [r for r in pool if r.id not in {c.id for c in cast.values()}]
        cast[level] = rng.choice(free) if free else pool[0]
    return cast


def _label(rng: random.Random, role: RoleChoice, upper: bool) -> str:
    label = rng.choice(role.labels)
    return label.upper() if upper else label


def _columns(rng: random.Random, cast: dict[Level, RoleChoice], labels: dict[Level, str],
             topic: Topic) -> list[dict[str, Any]]:
    """Role columns left to right: top-down mostly, bottom-up sometimes, the applicant first in services."""
    order = [lvl for lvl in HIERARCHY if lvl in cast]
    if rng.random() < 0.3:
        order.reverse()
    if topic.kind == "layanan" and "ext" in order and rng.random() < 0.6:
        order.remove("ext")
        order.insert(0, "ext")
    columns: list[dict[str, Any]] = []
    for lvl in order:
        role = cast[lvl]
        if all(c["id"] != role.id for c in columns):
            columns.append({"id": role.id, "name": role.name, "labels": [labels[lvl]]})
    return columns


def _make_steps(rng: random.Random, slots: list[Slot], cast: dict[Level, RoleChoice], labels: dict[Level, str],
                topic: Topic, waktu_style: WaktuStyle) -> list[dict[str, Any]]:
    performers = [_dedupe([cast[lvl] for lvl in s.levels]) for s in slots]
    in_order = _dedupe([r for ps in performers for r in ps])  # first appearance: a stable draw order
    spoken = {r.id: _spoken(rng, r, labels, cast) for r in in_order}
    fmt = {"obj": topic.obj, "Obj": topic.obj[0].upper() + topic.obj[1:]}
    unit_case = rng.choice(("lower", "title"))
    steps: list[dict[str, Any]] = []
    for i, (slot, who) in enumerate(zip(slots, performers, strict=True)):
        last = i == len(slots) - 1
        decision = i > 0 and not last and rng.random() < slot.decision_p
        nxt = spoken[performers[i + 1][0].id] if not last else ""
        back_to = _tidak_target(performers, i) if decision else None
        decision = back_to is not None
        back, tidak = (spoken[back_to[0].id], back_to[1]) if back_to else ("", None)
        text = rng.choice(slot.decision_texts if decision else slot.texts).format(next=nxt, back=back, **fmt)
        output = rng.choice(slot.outputs).format(**fmt)
        if steps and rng.random() < 0.7:
            kelengkapan = steps[-1]["output"]
        else:
            kelengkapan = rng.choice(slot.inputs or slot.outputs).format(**fmt)
        no = i + 1
        shape = "terminator" if i == 0 or last else ("decision" if decision else "process")
        steps.append({
            "no": no,
            "kegiatan": text,
            "pelaksana": [r.id for r in who],
            "pelaksana_evidence": "symbol",
            "simbol": shape,
            "kelengkapan": kelengkapan,
            "waktu": _waktu(rng, slot, waktu_style, unit_case),
            "output": output,
            "keterangan": _keterangan(rng, slot),
            "next": [] if last else ([no + 1, tidak] if tidak else [no + 1]),
            "branches": {"ya": no + 1, "tidak": tidak} if tidak else None,
        })
    return steps


def _dedupe(roles: list[RoleChoice]) -> list[RoleChoice]:
    out: list[RoleChoice] = []
    for r in roles:
        if r.id not in {o.id for o in out}:
            out.append(r)
    return out


def _spoken(rng: random.Random, role: RoleChoice, labels: dict[Level, str], cast: dict[Level, RoleChoice]) -> str:
    """How an activity text names a role: its usual spoken form or its printed header label."""
    printed = next(labels[lvl] for lvl, r in cast.items() if r.id == role.id)
    return rng.choice((role.spoken, role.spoken, printed.title() if printed.isupper() else printed))


def _tidak_target(performers: list[list[RoleChoice]], i: int) -> tuple[RoleChoice, int] | None:
    """Where a rejected item goes back: the nearest earlier step by a role other than the reviewer.

    Returns that role (named in the decision text) and its step number, or None
    when every earlier step is the reviewer's own.
    """
    own = {r.id for r in performers[i]}
    for j in range(i - 1, -1, -1):
        for role in performers[j]:
            if role.id not in own:
                return role, j + 1
    return None


def _waktu(rng: random.Random, slot: Slot, style: WaktuStyle, unit_case: str) -> dict[str, Any]:
    """A duration in one of the phrasings seen in real SOPs; bare minutes under a "Waktu (menit)" header."""
    lo, hi, unit = rng.choice(slot.durations)
    value = rng.randint(lo, hi)
    if unit == "menit" and value >= 10:
        value = max(10, round(value / 5) * 5)
    if style == "bare":
        minutes = value * MINUTES_PER_UNIT[unit]
        return {"raw": str(minutes), "value": minutes, "unit": "menit", "minutes": minutes}
    word = unit.capitalize() if unit_case == "title" else unit
    raw = f"{value} {word}"
    if unit == "hari" and value == 1 and rng.random() < 0.2:
        raw = f"1{word}"
    elif unit == "hari" and value >= 2 and rng.random() < 0.3:
        raw = f"{value - 1}-{value} {word}"
    return {"raw": raw, "value": value, "unit": unit, "minutes": value * MINUTES_PER_UNIT[unit]}


def _keterangan(rng: random.Random, slot: Slot) -> str | None:
    if slot.keterangan and rng.random() < 0.4:
        return rng.choice(slot.keterangan)
    return rng.choice(vocab.KETERANGAN) if rng.random() < 0.05 else None


# --------------------------------------------------------------------------- identity page
def _absent_identity(nama: str | None) -> dict[str, Any]:
    return {"instansi": None, "unit": None, "nomor": None, "nama": nama, "tanggal_pembuatan": None,
            "tanggal_revisi": None, "tanggal_efektif": None, "tanggal_pengesahan": None, "disahkan_oleh": None,
            "dasar_hukum": [], "kualifikasi_pelaksana": [], "keterkaitan": [], "peralatan_perlengkapan": [],
            "peringatan": [], "pencatatan_pendataan": []}


def _identity(rng: random.Random, office: Office, topic: Topic, nama: str,
              cast: dict[Level, RoleChoice]) -> dict[str, Any]:
    made = dt.date(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28))
    year = str(made.year)
    nomor_fields = {**office.fields, "a": rng.choice(("800", "067", "061", "045", "130")),
                    "b": str(rng.randint(10, 1500)), "year": year}
    fill = {"kab": office.kab, "n": rng.randint(10, 120), "year": rng.randint(2016, 2023),
            "n2": rng.randint(10, 120), "year2": rng.randint(2016, 2023),
            "unit_kind": "Kecamatan" if office.agency.kind == "kecamatan" else "Perangkat Daerah",
            "obj": topic.obj, "top": cast["top"].name if "top" in cast else "Pimpinan",
            "mid": cast["mid"].name if "mid" in cast else "Sekretaris",
            "low": cast["low"].name if "low" in cast else "Kepala Seksi"}
    return {
        "instansi": office.instansi,
        "unit": office.unit,
        "nomor": rng.choice(office.agency.nomor).format(**nomor_fields) if rng.random() < 0.85 else None,
        "nama": nama,
        "tanggal_pembuatan": made.isoformat(),
        "tanggal_revisi": _later(rng, made, 30, 400) if rng.random() < 0.4 else None,
        "tanggal_efektif": _later(rng, made, 7, 60) if rng.random() < 0.7 else None,
        "tanggal_pengesahan": _later(rng, made, 1, 10) if rng.random() < 0.4 else None,
        "disahkan_oleh": dict(office.head) if rng.random() < 0.85 else None,
        "dasar_hukum": _items(rng, vocab.DASAR_HUKUM, 2, 5, fill, empty_p=0.05),
        "kualifikasi_pelaksana": _items(rng, vocab.KUALIFIKASI, 2, 4, fill),
        "keterkaitan": _items(rng, vocab.KETERKAITAN, 1, 3, fill),
        "peralatan_perlengkapan": _items(rng, vocab.PERALATAN, 3, 6, fill),
        "peringatan": _items(rng, vocab.PERINGATAN, 1, 2, fill),
        "pencatatan_pendataan": _items(rng, vocab.PENCATATAN, 1, 4, fill),
    }


def _later(rng: random.Random, day: dt.date, lo: int, hi: int) -> str:
    return (day + dt.timedelta(days=rng.randint(lo, hi))).isoformat()


def _items(rng: random.Random, pool: tuple[str, ...], lo: int, hi: int, fill: dict[str, Any],
           empty_p: float = 0.1) -> list[str]:
    if rng.random() < empty_p:
        return []
    return [t.format(**fill) for t in rng.sample(pool, rng.randint(lo, min(hi, len(pool))))]


def _signature(rng: random.Random, office: Office) -> dict[str, Any]:
    dated = rng.random() < 0.7
    day = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
    return {"tempat": office.place if dated else None, "tanggal": day.isoformat() if dated else None,
            **office.head}


def _warning(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "step": None, "message": message}


def _weighted(rng: random.Random, options: tuple[tuple[Agency, float], ...]) -> Agency:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
