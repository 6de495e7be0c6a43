"""The SOP identity page and the signer block, read from lines of text.

Contract with ``sopbaku.normalize`` (which is written against exactly this):

* :func:`parse_identity` returns ``{key: raw text}``, keys from
  ``sopbaku.raw.IDENTITY_KEYS``. A field that is not printed, or printed with
  a blank value ("Nomor SOP : "), is left out; a blank one is noted as
  ``identity-field-empty`` by :func:`read_identity`.
* List fields (``dasar_hukum``, ``kualifikasi_pelaksana``, ``keterkaitan``,
  ``peralatan_perlengkapan``, ``peringatan``, ``pencatatan_pendataan``): raw
  text, items separated by "\\n", each item keeping its printed number or
  bullet when it had one ("1. PP Nomor 60 ...", "- Setiap tahap ..."). Lines
  the source wrapped are joined back into their item. A run the export itself
  flattened into one cell ("1. ... Daerah2. PP Nomor ...") is left as printed:
  normalize splits it. Only HTML tags are removed.
* ``disahkan_oleh``: the raw text of the signer cell with its spacing kept
  (a run of spaces often marks a line break of the cell), e.g.
  "CAMAT BUNGURSARI  M.SARIPUL.HAROM.S.Sos NIP. 19640104 199101 1 004";
  a block printed over several lines has them joined by "\\n".
* Dates raw as printed ("02 Januari 2019", "-"); ``nomor`` raw
  ("067 / 1394 / 2021").
* ``nama``: the Nama SOP text as printed; a trailing stray check mark is
  dropped and noted as ``stray-mark``.
* ``instansi`` / ``unit``: from the heading lines before the first label
  ("PEMERINTAH KABUPATEN PURWAKARTA", "KECAMATAN BUNGURSARI"), first
  occurrence wins; a line naming both ("KECAMATAN WANGON KABUPATEN BANYUMAS")
  is split: unit "KECAMATAN WANGON", instansi "KABUPATEN BANYUMAS".

Layouts read: "Label : value" lines, tab cells ("\\tNomor SOP\\t:\\t..."), a
value on the line after its label, and the two-column blocks of the page
linearized (both labels, then both lists in the same order). A list whose
label is missing from such a pair is placed by its partner's position, and a
list of regulations always goes to ``dasar_hukum`` (noted ``label-missing``).

:func:`parse_signature` returns the signer block under a table (place/date
line, jabatan, name, NIP line) as its non-blank lines joined by "\\n", or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from sopbaku.ingest.text_sidebyside import ColumnPair, is_side_by_side, split_columns
from sopbaku.ingest.textutil import clean, is_blank, is_title_line, strip_html
from sopbaku.raw import RawNote

#: Label patterns, matched at the start of a cell (case-insensitive).
_LABEL_PATTERNS: dict[str, str] = {
    "nomor": r"no(?:mor|\.)?\s*(?:sop|pos)",
    "tanggal_pembuatan": r"(?:tanggal|tgl\.?)\s*(?:pembuatan|dibuat)",
    "tanggal_revisi": r"(?:tanggal|tgl\.?)\s*revisi",
    "tanggal_efektif": r"(?:tanggal|tgl\.?)\s*(?:efektif|berlaku)",
    "tanggal_pengesahan": r"(?:tanggal|tgl\.?)\s*(?:pengesahan|disahkan)",
    "disahkan_oleh": r"disahkan\s+oleh",
    "nama": r"nama\s+(?:sop|pos|prosedur)",
    "dasar_hukum": r"dasar\s+hukum",
    "kualifikasi_pelaksana": r"kualifikasi\s+pelaksana(?:an)?",
    "keterkaitan": r"keterkaitan",
    "peralatan_perlengkapan": r"peralatan\s*(?:/|dan|&)?\s*(?:perlengkapan|kelengkapan)?|perlengkapan",
    "peringatan": r"peringatan",
    "pencatatan_pendataan": r"pencatatan\s*(?:(?:/|dan|&)\s*pendataan)?",
}
_LABELS = {key: re.compile(rf"(?:{p})(?![a-z])\s*(?P<colon>:)?\s*(?P<value>.*)$", re.I | re.S)
           for key, p in _LABEL_PATTERNS.items()}
#: Canonical spellings for the fuzzy fallback that absorbs OCR noise ("Dasar Hukurn").
_LABEL_NAMES: dict[str, str] = {
    "nomor sop": "nomor", "tanggal pembuatan": "tanggal_pembuatan", "tanggal revisi": "tanggal_revisi",
    "tanggal efektif": "tanggal_efektif", "tanggal pengesahan": "tanggal_pengesahan",
    "disahkan oleh": "disahkan_oleh", "nama sop": "nama", "dasar hukum": "dasar_hukum",
    "kualifikasi pelaksana": "kualifikasi_pelaksana", "keterkaitan": "keterkaitan",
    "peralatan perlengkapan": "peralatan_perlengkapan", "peringatan": "peringatan",
    "pencatatan dan pendataan": "pencatatan_pendataan",
}
#: Similarity (0-100) a short line needs to a canonical label to count as that label.
FUZZY_LABEL_SCORE = 85
#: Fields holding one value; the rest hold lists.
SCALAR_KEYS = frozenset({"nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
                         "tanggal_pengesahan", "disahkan_oleh", "nama"})
#: Fields printed side by side on the identity page (left, right).
PAIRS = (("dasar_hukum", "kualifikasi_pelaksana"), ("keterkaitan", "peralatan_perlengkapan"),
         ("peringatan", "pencatatan_pendataan"))
_REGULATION = re.compile(
    r"\b(?:undang|uu|pp|peraturan|perpres|permen\w*|inpres|perda|perbup|perwal|pergub|keputusan|"
    r"kepmen\w*|keppres|instruksi|surat\s+edaran)\b", re.I)
#: What the items of each list but the equipment list typically say (Permenpan RB 35/2012's guidance).
_LIST_CUES: dict[str, re.Pattern[str]] = {
    "dasar_hukum": _REGULATION,
    "kualifikasi_pelaksana": re.compile(
        r"^(?:memahami|mampu|menguasai|memiliki|minimal|berpendidikan|pendidikan|pernah|teliti|terampil|"
        r"berpengalaman|mengetahui|lulus|sehat|jujur)\b|\b(?:s-?1|d-?iii|d-?3|slt[ap]|sm[ak])\b", re.I),
    "keterkaitan": re.compile(r"^(?:sop|s\.o\.p|pos|prosedur|standar\s+operasional)\b", re.I),
    "peringatan": re.compile(r"\b(?:apabila|jika|bila|tidak|kesalahan|keterlambatan|terlambat|berakibat|"
                             r"mengakibatkan|menghambat|dilarang)\b", re.I),
    "pencatatan_pendataan": re.compile(r":\s*lembar\b|^(?:arsip|buku|register|formulir|catatan)\b|"
                                       r"\b(?:terdokumentasi|didokumentasikan|dicatat|diarsipkan|disimpan)\b", re.I),
}
_ITEM_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*")
#: A list's first number as OCR misreads it ("|) Kesalahan data ..." for "1) Kesalahan data ...").
_OCR_ONE = re.compile(r"^[|l]\s*\)(?=\s)")
_BULLET = re.compile(r"^\s*[-•*·–]\s+")
_TRAILING_TICKS = re.compile(r"\s*[✓✔√☑]+\s*$")
_INSTANSI = re.compile(r"\b(?:pemerintah\s+)?(?:kabupaten|kab\.|kota|provinsi|prov\.)\s*\S", re.I)
_UNIT = re.compile(r"^(?:kecamatan|kelurahan|desa|dinas|badan|sekretariat|inspektorat|kantor|bagian|"
                   r"bidang|satuan|rumah\s+sakit|puskesmas|uptd?|direktorat|deputi|biro|pusat|subdirektorat)\b", re.I)
#: A central agency or ministry: the instansi itself ("BADAN PUSAT STATISTIK", "KEMENTERIAN DALAM NEGERI").
#: A "Badan" only when no region or "Daerah" follows: "Badan Kepegawaian Daerah" is a unit of a regency.
_CENTRAL = re.compile(r"^(?:kementerian|kementrian|lembaga|badan(?!.*\b(?:daerah|kabupaten|kab\.|kota|provinsi|"
                      r"prov\.)\b))\b", re.I)
#: A central agency's office in a region ("BPS KABUPATEN X", "Badan Pusat Statistik Kota Y",
#: "Kantor Kementerian Agama Kabupaten Z"): the unit, whole; the region is not its instansi.
_REGIONAL_OFFICE = re.compile(r"^(?:bps|badan\s+pusat\s+statistik|kantor\s+(?:wilayah|kementerian)|kanwil)\b"
                              r".*\b(?:kabupaten|kab\.|kota|provinsi|prov\.)\s*\S", re.I)
_NIP_LINE = re.compile(r"^\s*NIP\b", re.I)
_PLACE_DATE = re.compile(r"^[A-Za-z][\w .'-]*,\s*\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}\s*$")
#: Longest heading line still read as an instansi/unit name.
MAX_HEADING_CHARS = 100
#: Lines a signer block may have above its NIP line (place/date, "a.n.", jabatan, name).
MAX_SIGNATURE_LINES = 6
#: Longest line still part of a signer block; longer ones are prose.
MAX_SIGNATURE_LINE_CHARS = 80


@dataclass(frozen=True)
class Label:
    """An identity label found at the start of a cell, with any value printed after it."""

    key: str
    printed: str
    value: str


@dataclass
class IdentityBlock:
    """What :func:`read_identity` found: the raw fields and the notes on oddities."""

    fields: dict[str, str] = field(default_factory=dict)
    notes: list[RawNote] = field(default_factory=list)


def match_label(cell: str) -> Label | None:
    """The identity label a cell opens with, or None.

    A list label only counts when the cell is the label alone or has a ":"
    after it, so that a content line such as "Pencatatan dilakukan ..." is
    not taken for the "Pencatatan" label.
    """
    text = cell.strip()
    for key, pattern in _LABELS.items():
        m = pattern.match(text)
        if not m:
            continue
        value = m["value"].strip()
        if key in SCALAR_KEYS or not value or m["colon"]:
            return Label(key, text[: m.start("value")].strip(" :"), value)
    return _fuzzy_label(text)


def _fuzzy_label(text: str) -> Label | None:
    """A short cell that is a label misspelled by OCR; only a label standing alone qualifies."""
    bare = text.rstrip(" :")
    folded = " ".join(re.findall(r"[a-z]+", bare.casefold()))
    if not folded or len(folded.split()) > 4 or any(ch.isdigit() for ch in bare):
        return None
    best = process.extractOne(folded, list(_LABEL_NAMES), scorer=fuzz.ratio, score_cutoff=FUZZY_LABEL_SCORE)
    return Label(_LABEL_NAMES[best[0]], bare, "") if best else None


def is_identity_line(line: str) -> bool:
    """Whether a line opens with an identity label (in any of its tab cells)."""
    return any(match_label(cell) for cell in _cells(line))


def read_identity(lines: list[str]) -> IdentityBlock:
    """The identity fields in ``lines`` (raw, see the module contract) and notes on what was odd."""
    rows = [_cells(line) for line in lines]
    present = {label.key for row in rows for cell in row if (label := match_label(cell))}
    reader = _Reader(present)
    for row in rows:
        reader.feed(row)
    reader.finish()
    reader.drop_stray_tick()
    return IdentityBlock(reader.fields, reader.notes)


def parse_identity(lines: list[str]) -> dict[str, str]:
    """The identity fields in ``lines``: ``IDENTITY_KEYS`` -> raw text (see the module contract)."""
    return read_identity(lines).fields


def _cells(line: str) -> list[str]:
    """The non-empty cells of a line, HTML removed, lone ":" separators dropped; spacing kept."""
    cells = (_OCR_ONE.sub("1)", strip_html(cell).strip()) for cell in line.split("\t"))
    return [part for cell in cells if cell and cell != ":" for part in _label_pair(cell)]


def _label_pair(cell: str) -> list[str]:
    """Two list labels printed side by side and read as one line ("Keterkaitan Peralatan/Perlengkapan").

    OCR joins the two heading cells of a pair with a space; only a cell that is
    exactly two labels, the second with nothing after it, is split.
    """
    for key, pattern in _LABELS.items():
        m = pattern.match(cell)
        if m and key not in SCALAR_KEYS and not m["colon"] and m["value"]:
            second = match_label(m["value"])
            if second is not None and second.key not in SCALAR_KEYS and not second.value:
                return [cell[: m.start("value")].strip(), m["value"].strip()]
    return [cell]


@dataclass
class _Reader:
    """Walks the identity lines, collecting the content under each label until the next one."""

    present: set[str]
    fields: dict[str, str] = field(default_factory=dict)
    notes: list[RawNote] = field(default_factory=list)
    pending: dict[str, str] = field(default_factory=dict)  # key -> label as printed, awaiting content
    stream: list[str | None] = field(default_factory=list)  # content lines; None = a blank line
    aligned: dict[str, list[str]] = field(default_factory=dict)  # tab cells lined up under labels
    orphans: list[str] = field(default_factory=list)  # numbered list lines under no list label

    def feed(self, row: list[str]) -> None:
        if not row:
            if self.pending:
                self.stream.append(None)
            return
        labels = [match_label(cell) for cell in row]
        if not any(labels):
            self._content(row)
            return
        if self.orphans:
            self._place_orphans(next(label.key for label in labels if label))
        label_open = False  # the previous cell of this line was a label still waiting for its value
        for cell, label in zip(row, labels, strict=True):
            if label is None:
                self._content([cell])
                label_open = False
                continue
            if not (label_open or self._completes_pair(label.key)):
                self.flush()
            self.pending[label.key] = label.printed
            if label.value:
                self.stream.append(label.value)
            label_open = not label.value

    def _completes_pair(self, key: str) -> bool:
        """A right-column label printed on its own line after its still empty left partner."""
        empty = not self.aligned and all(line is None for line in self.stream)
        return empty and any((left, key) in PAIRS for left in self.pending)

    def _content(self, cells: list[str]) -> None:
        if self._opens_orphan_list(cells):
            self.flush()
            self.orphans.append(cells[0])
        elif not self.pending:
            if self.orphans:
                self.orphans.append(" ".join(cells))
            else:
                self._heading(" ".join(cells))
        elif heading := self._late_heading(cells):
            self._heading(heading)
            if rest := clean(cells[0])[len(heading):].strip():
                self.stream.append(rest)
        elif len(cells) > 1 and len(self.pending) > 1:
            keys = list(self.pending)
            for k, cell in enumerate(cells):
                self.aligned.setdefault(keys[min(k, len(keys) - 1)], []).append(cell)
        else:
            self.stream.append(" ".join(cells))

    def _heading(self, text: str) -> None:
        """Instansi and unit from the heading lines printed before any label."""
        for key, value in heading_parts(text).items():
            self.fields.setdefault(key, value)

    def _opens_orphan_list(self, cells: list[str]) -> bool:
        """A numbered list line right after a one-value field: the lists' headings were lost.

        A Nama SOP or a date never goes on as "1. ...", so the field ended; the lines
        from here are side-by-side lists, read by :meth:`_place_orphans`.
        """
        return (len(cells) == 1 and bool(self.pending) and set(self.pending) <= SCALAR_KEYS
                and bool(_ITEM_NUMBER.match(cells[0])))

    def _place_orphans(self, before: str | None) -> None:
        """Give the unlabelled side-by-side lists to the pairs the page prints before ``before``.

        The page's pairs come in a fixed order (``PAIRS``); the ones whose labels are
        printed or already filled are not candidates, nor those from ``before``'s pair on.
        """
        self._fill_pairs(self._free_pairs(before), _column_pairs(self.orphans))
        self.orphans = []

    def _free_pairs(self, before: str | None) -> list[tuple[str, str]]:
        """The page's pairs of lists up to ``before``'s pair whose labels are not printed and still empty."""
        stop = next((k for k, pair in enumerate(PAIRS) if before in pair), len(PAIRS))
        taken = self.present | set(self.fields) | set(self.pending)
        return [pair for pair in PAIRS[:stop] if not set(pair) & taken]

    def _fill_pairs(self, keys: list[tuple[str, ...]], pairs: list[ColumnPair]) -> None:
        for (left, right), pair in zip(keys, pairs, strict=False):
            columns = ((left, pair.left), (right, pair.right))
            if bool(pair.left) != bool(pair.right):  # one list: its column is told by what it lists
                items = pair.left or pair.right
                columns = ((_column_for((left, right) if pair.left else (right, left), items), items),)
            for key, items in columns:
                if not items:
                    continue
                self.fields[key] = "\n".join(items)
                if key not in self.present:
                    self.notes.append(RawNote("label-missing", f"The label of '{key}' is missing; its list was "
                                                               "placed by the page's order of lists."))

    def finish(self) -> None:
        """The end of the identity lines: the last field and any unlabelled lists."""
        self.flush()
        if self.orphans:
            self._place_orphans(None)

    def _late_heading(self, cells: list[str]) -> str | None:
        """An instansi/unit heading met inside a one-value field, or None.

        OCR of the identity page reads the logo cell (office names in capitals) in the
        middle of the label column, so "PEMERINTAH KAB. X" can land between "Disahkan
        Oleh" and the signer's name, or run into the name on one line ("KECAMATAN X
        Budi Santoso, S.IP"): the heading is then the line's leading capitals (see
        :func:`leading_heading`). Only capitals that name an office count, and only
        while instansi or unit is still unknown: a jabatan such as "Kepala Dinas" is neither.
        """
        if len(cells) != 1 or not set(self.pending) <= SCALAR_KEYS:
            return None
        if "instansi" in self.fields and "unit" in self.fields:
            return None
        said = " ".join(line for line in self.stream if line)
        return leading_heading(clean(cells[0]), said)

    def flush(self) -> None:
        """Hand the content collected since the last label(s) to those labels."""
        if not self.pending:
            return
        for key, lines in self.aligned.items():
            self._set(key, lines, _blocks(lines))
        keys = [key for key in self.pending if key not in self.aligned]
        lines = [line for line in self.stream if line is not None]
        pair = self._pair_of(keys)
        if pair and is_side_by_side(lines):
            self._fill_pairs([pair, *self._pairs_after(pair)], _column_pairs(lines))
        elif keys:
            cut = _next_pair_start(self.stream) if pair else len(self.stream)
            self._assign(keys, _blocks(self.stream[:cut]))
            if pair and (rest := [line for line in self.stream[cut:] if line is not None]):
                self._fill_pairs(self._pairs_after(pair), _column_pairs(rest))
        for key, printed in self.pending.items():
            if key not in self.fields:
                self.notes.append(RawNote("identity-field-empty", f"'{printed}' is present but blank."))
        self.pending, self.stream, self.aligned = {}, [], {}

    def _pair_of(self, keys: list[str]) -> tuple[str, str] | None:
        """The side-by-side pair whose lists follow these labels: both printed, or one whose partner is not."""
        for pair in PAIRS:
            if tuple(keys) == pair or (len(keys) == 1 and keys[0] in pair
                                       and not (set(pair) - set(keys)) & self.present):
                return pair
        return None

    def _pairs_after(self, pair: tuple[str, str]) -> list[tuple[str, str]]:
        """The page's pairs printed after ``pair`` whose labels are not printed and that are still empty."""
        taken = self.present | set(self.fields) | set(self.pending)
        return [later for later in PAIRS[PAIRS.index(pair) + 1:] if not set(later) & taken]

    def _assign(self, keys: list[str], blocks: list[list[str]]) -> None:
        lines = [line for line in self.stream if line is not None]
        pair = tuple(keys)
        if pair in PAIRS and blocks:
            # One list per column, in page order; a column the page left empty is told by the items.
            slots = [*pair, *(key for later in self._pairs_after(pair) for key in later)]
            self._place_blocks(slots, blocks, set(pair))
            return
        if len(keys) == 1 and keys[0] not in SCALAR_KEYS:
            blocks = self._claim_strays(keys[0], blocks)
        if len(blocks) > len(keys):
            keys = self._with_missing_partners(keys, len(blocks))
        if len(keys) == 1 or len(blocks) <= 1:
            self._set(keys[0], lines, blocks)
            return
        if "dasar_hukum" in keys:
            keys, blocks = _regulations_first(keys, blocks)
        for k, key in enumerate(keys):
            mine = blocks[k:k + 1] if k < len(keys) - 1 else blocks[k:]
            self._set(key, lines, mine)

    def _claim_strays(self, key: str, blocks: list[list[str]]) -> list[list[str]]:
        """The lists under ``key`` less those that clearly are another, unlabelled and still empty list.

        OCR puts a label line after its values, or loses it: a list of regulations
        after the records of "Pencatatan dan Pendataan" is the Dasar Hukum, not more
        records. A list moves only when most of its items have the other list's mark.
        """
        kept = blocks[:1]
        for block in blocks[1:]:
            free = [other for other in _LIST_CUES
                    if other != key and other not in self.present and other not in self.fields]
            best = max(free, key=lambda other: _fit(other, block), default=None)
            if best is not None and _fit(best, block) > max(0.5, _fit(key, block)):
                self.fields[best] = "\n".join(block)
                self.notes.append(RawNote("label-missing", f"The label of '{best}' is missing; its list was "
                                                           "told by its items."))
            else:
                kept.append(block)
        return kept

    def _place_blocks(self, slots: list[str], blocks: list[list[str]], printed: set[str]) -> None:
        """Give ``blocks`` to the list fields ``slots`` (page order), each to the first of the next ones its items fit.

        Only the labels in ``printed`` were seen; lists placed under others are noted.
        Lists left when the slots run out join the last one placed.
        """
        key = slots[0]
        for block in blocks:
            if slots:
                key = _column_for(slots[:3], block)
                slots = slots[slots.index(key) + 1:]
                if key not in printed:
                    self.notes.append(RawNote("label-missing", f"The label of '{key}' is missing; its list was "
                                                               "placed by the page's order of lists and its items."))
            self.fields[key] = "\n".join([*filter(None, [self.fields.get(key)]), *block])

    def _with_missing_partners(self, keys: list[str], wanted: int) -> list[str]:
        """Add the unprinted, still empty partner of a side-by-side pair when there is a list too many."""
        out = list(keys)
        for left, right in PAIRS:
            if len(out) >= wanted:
                break
            if right in out and left not in self.present | self.fields.keys() and left not in out:
                out.insert(out.index(right), left)
                missing = left
            elif left in out and right not in self.present | self.fields.keys() and right not in out:
                out.insert(out.index(left) + 1, right)
                missing = right
            else:
                continue
            self.notes.append(RawNote("label-missing", f"The label of '{missing}' is missing; its list was "
                                                       f"placed by content and by the printed pair."))
        return out

    def _set(self, key: str, lines: list[str], blocks: list[list[str]]) -> None:
        if key == "disahkan_oleh":
            value = "\n".join(line.strip() for line in lines)
        elif key in SCALAR_KEYS:
            value = "\n".join(clean(line) for line in lines)
        else:
            value = "\n".join(item for block in blocks for item in block)
        if value.strip():
            self.fields[key] = value

    def drop_stray_tick(self) -> None:
        """A check mark printed after the Nama SOP (ticked off in a checklist) is not part of it."""
        nama = self.fields.get("nama", "")
        if _TRAILING_TICKS.search(nama):
            self.fields["nama"] = _TRAILING_TICKS.sub("", nama)
            self.notes.append(RawNote("stray-mark", f"A check mark follows the Nama SOP '{self.fields['nama']}';"
                                                    " dropped."))


def leading_heading(text: str, context: str = "") -> str | None:
    """The office heading ``text`` opens with, in capitals, or None; what follows it is another cell's text.

    A whole line of capitals naming an office is the heading. Otherwise the heading
    ends after the last of its leading capital words that ``context`` (the jabatan
    printed before, "Camat Mayong") also names, or else where the capitals end: the
    signer's name that OCR ran into it ("KECAMATAN MAYONG HENDRA W., M.Si") starts there.
    """
    if text.isupper():
        return text if heading_parts(text) else None
    words = text.split()
    caps = 0
    while caps < len(words) and words[caps].isupper() and any(ch.isalpha() for ch in words[caps]):
        caps += 1
    known = {w.casefold() for w in re.findall(r"\w+", context)}
    shared = [k for k in range(1, caps) if words[k].strip(",.").casefold() in known]
    cut = shared[-1] + 1 if shared else caps
    heading = " ".join(words[:cut]).strip(" ,")
    if not heading or not heading_parts(heading) or not text.startswith(heading):
        return None
    return heading


def heading_parts(text: str) -> dict[str, str]:
    """``instansi`` and/or ``unit`` named by one heading line; empty when it names no office.

    Regional government: "PEMERINTAH KABUPATEN X" is the instansi, "KECAMATAN Y" a unit, and
    "KECAMATAN Y KABUPATEN X" both. Central agencies and ministries use the same page with
    their own names: "BADAN PUSAT STATISTIK" or "KEMENTERIAN ..." is the instansi,
    "BPS KABUPATEN X" (the agency's office there) and "DIREKTORAT ..." are units.
    """
    text = clean(text)
    if not text or len(text) > MAX_HEADING_CHARS or is_title_line(text):
        return {}
    if _REGIONAL_OFFICE.match(text):
        return {"unit": text}
    if _CENTRAL.match(text):
        return {"instansi": text}
    instansi = _INSTANSI.search(text)
    if _UNIT.match(text):
        if instansi and instansi.start() > 0:
            return {"unit": text[: instansi.start()].strip(" ,-"), "instansi": text[instansi.start():]}
        return {"unit": text}
    if instansi and instansi.start() == 0:
        return {"instansi": text}
    return {}


def _blocks(stream: Iterable[str | None]) -> list[list[str]]:
    """Split content lines into lists (blocks) of items.

    A block ends where numbering restarts ("1." after "3."), where a numbered
    list follows a paragraph after a blank line, or where a new paragraph
    follows a blank line. Within a block a number or bullet starts an item;
    in an unnumbered block a capitalised line starts one; any other line is
    the previous item wrapped.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    last_no: int | None = None
    after_blank = False
    for raw in stream:
        if raw is None:
            after_blank = True
            continue
        line = clean(raw)
        number = _ITEM_NUMBER.match(line)
        no = int(number[1]) if number else None
        marked = no is not None or bool(_BULLET.match(line))
        restart = no is not None and last_no is not None and no <= last_no
        new_paragraph = after_blank and (last_no is None or not marked)
        if current and (restart or new_paragraph):
            blocks.append(current)
            current, last_no = [], None
        if not current or marked or (last_no is None and line[:1].isupper()):
            current.append(line)
        else:
            current[-1] = f"{current[-1]} {line}"
        last_no = no if no is not None else last_no
        after_blank = False
    if current:
        blocks.append(current)
    return blocks


def _next_pair_start(stream: list[str | None]) -> int:
    """Where the next pair's lists begin inside one pair's content (see :func:`_opens_row`), or the end."""
    started = False
    for k, line in enumerate(stream):
        if line is None:
            continue
        if started and _opens_row(line):
            return k
        started = True
    return len(stream)


def _opens_row(line: str) -> bool:
    """A line that opens a row of two lists whose left item is unnumbered.

    With the next pair's labels lost, OCR runs on from a list into the next row of
    the page, whose first line holds both columns ("Apabila SOP ini tidak
    dilaksanakan ... 1) Sekretaris : Lembar disposisi"): a new item (a capital
    first) with a second list's "1)" in its middle. A wrapped item goes on in lower case.
    """
    text = line.strip()
    return text[:1].isupper() and is_side_by_side([text])


def _column_pairs(lines: list[str]) -> list[ColumnPair]:
    """:func:`split_columns` over each row of side-by-side lists, rows cut where one opens (:func:`_opens_row`)."""
    rows: list[list[str]] = []
    for line in lines:
        if not rows or _opens_row(line):
            rows.append([])
        rows[-1].append(line)
    return [pair for row in rows for pair in split_columns(row)]


def _column_for(keys: Sequence[str], items: list[str]) -> str:
    """The list field among ``keys`` (the next columns in page order) that a list belongs in.

    The first, unless a later one's kind of item fits the items better: each list
    of the page holds its own kind (regulations, skills, SOP names, warnings,
    records; the equipment list is what is left), so when a row has only one
    list, or its labels are lost, the items tell its column.
    """
    return max(keys, key=lambda key: (_fit(key, items), -keys.index(key)))


def _fit(key: str, items: list[str]) -> float:
    """Share of ``items`` that look like items of list ``key``; 0.5 for the equipment list, which has no mark."""
    cue = _LIST_CUES.get(key)
    if cue is None or not items:
        return 0.5
    return sum(bool(cue.search(_ITEM_NUMBER.sub("", item))) for item in items) / len(items)


def _regulations_first(keys: list[str], blocks: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Give ``dasar_hukum`` the one block that lists regulations; the others keep their order."""
    legal = [k for k, block in enumerate(blocks) if _is_regulation_list(block)]
    if len(legal) != 1 or len(blocks) != len(keys):
        return keys, blocks
    rest_keys = [key for key in keys if key != "dasar_hukum"]
    rest_blocks = [block for k, block in enumerate(blocks) if k != legal[0]]
    return ["dasar_hukum", *rest_keys], [blocks[legal[0]], *rest_blocks]


def _is_regulation_list(block: list[str]) -> bool:
    """Most items name a law or regulation (Undang-Undang, PP, Peraturan, Perbup ...)."""
    hits = sum(bool(_REGULATION.search(item)) for item in block)
    return hits * 2 > len(block)


def signature_span(lines: list[str]) -> tuple[int, int] | None:
    """``(start, end)`` of the signer block in ``lines`` (the text after a table), or None.

    The block ends at its NIP line, or, without one, is a place/date line and
    up to three lines under it. The search stops at the first title, identity
    label, tab-separated line or instansi heading: what follows belongs to the
    next SOP.
    """
    limit = next((k for k, line in enumerate(lines) if _opens_next_sop(line)), len(lines))
    nip = next((k for k in range(limit) if _NIP_LINE.match(lines[k])), None)
    if nip is not None:
        start, taken = nip, 0
        for k in range(nip - 1, -1, -1):
            if is_blank(lines[k]):
                continue
            if taken == MAX_SIGNATURE_LINES or len(clean(lines[k])) > MAX_SIGNATURE_LINE_CHARS:
                break
            start, taken = k, taken + 1
        return start, nip + 1
    dated = next((k for k in range(limit) if is_place_date(lines[k])), None)
    if dated is None:
        return None
    below = [k for k in range(dated + 1, limit) if not is_blank(lines[k])][:3]
    return dated, (below[-1] if below else dated) + 1


def is_place_date(line: str) -> bool:
    """The line is a signer's place and date ("Sukasari, 2 Maret 2023"): where a signer block starts."""
    return bool(_PLACE_DATE.match(clean(line)))


def _opens_next_sop(line: str) -> bool:
    text = clean(line)
    return ("\t" in line.strip() or is_title_line(line) or is_identity_line(line)
            or bool(_UNIT.match(text) or _INSTANSI.match(text)))


def parse_signature(lines: list[str]) -> str | None:
    """The signer block in ``lines`` as its non-blank lines, cleaned, joined by "\\n"; None if absent."""
    span = signature_span(lines)
    if span is None:
        return None
    block = [clean(line) for line in lines[span[0]:span[1]] if not is_blank(line)]
    return "\n".join(block) or None
