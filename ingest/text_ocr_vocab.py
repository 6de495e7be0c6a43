"""The words of an SOP AP table that the OCR-dump reader knows, and the token tests built on them.

OCR text carries no cell borders, so what the reader can lean on is vocabulary:
the column titles of the Permenpan RB 35/2012 layout, the head words and
qualifiers of role labels, duration units, and the short real words that must
not be taken for symbol debris. Fuzzy look-ups allow one OCR error per word
(two in long words), never a different first letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

#: Words of the table header that are not role labels (Permenpan RB 35/2012 layout).
HEADER_WORDS = frozenset({
    "no", "aktifitas", "aktivitas", "kegiatan", "uraian", "prosedur", "pelaksana", "mutu", "baku",
    "persyaratan", "kelengkapan", "peralatan", "perlengkapan", "waktu", "output", "ket", "keterangan",
})
#: Header words distinctive enough to recognise a header line.
HEADER_ANCHORS = frozenset({
    "aktifitas", "aktivitas", "pelaksana", "persyaratan", "kelengkapan", "output", "keterangan", "mutu", "baku",
})
#: Role words that start a label and want a qualifier ("Kasubag" ... "Umum").
OPEN_HEADS = frozenset({
    "kasubag", "kasubbag", "kasub", "kabag", "kasi", "kasie", "kepala", "sekretaris", "anggota", "ketua",
    "pengadministrasi", "fungsional", "pengelola", "kaur", "kabid", "wakil", "bendahara", "pejabat", "pranata",
})
#: Role words that are a label on their own ("Camat", "Staf").
CLOSED_HEADS = frozenset({
    "staf", "staff", "camat", "lurah", "kades", "bupati", "sekda", "tim", "pemohon", "masyarakat",
    "sekcam", "jfu", "operator", "petugas", "pimpinan", "walikota", "gubernur", "admin", "sekdes",
    "kadis", "kabid", "sekdis", "kaban", "seklur", "statistisi", "direktur", "menteri", "prakom",
})
#: Words that continue a role label begun on an earlier header line.
TAILS = frozenset({
    "umum", "kepegawaian", "perencanaan", "keuangan", "kecamatan", "kelurahan", "desa", "seksi", "evaluasi",
    "pelaporan", "evapor", "pemerintahan", "trantib", "pmd", "monitoring", "sakip", "dan", "daerah", "camat",
    "bidang", "program", "umpeg", "pelayanan", "kesejahteraan", "sosial", "ketentraman", "ketertiban",
    "pembangunan", "pemberdayaan", "masyarakat", "tim", "teknis", "kabupaten", "bagian", "subbag",
    "sekretariat", "kesos", "ekbang", "tata", "usaha", "kasi", "dinas", "badan", "loket",
    "penyusun", "monev", "renkeu", "proglap", "kerja", "bps", "kota", "provinsi", "sub", "subbagian", "komputer",
    "pem", "statistisi", "pengeluaran", "penerimaan",
})
ROLE_WORDS = OPEN_HEADS | CLOSED_HEADS | TAILS
#: Qualifiers that usually go with a head word: breaks ties when two open labels could take one.
_KASUBAG = {"umum", "kepegawaian", "perencanaan", "keuangan", "evaluasi", "pelaporan", "program", "umpeg", "evapor",
            "renkeu", "proglap"}
AFFINITY = {
    "kasubag": _KASUBAG,
    "kasubbag": _KASUBAG,
    "kasub": _KASUBAG,
    "sekretaris": {"kecamatan", "camat", "desa", "daerah", "kelurahan", "dinas", "badan"},
    "kepala": {"seksi", "desa", "bidang", "bagian", "subbag", "dinas", "badan", "bps", "sub", "subbagian", "umum",
               "kabupaten", "kota", "provinsi"},
    "kasi": {"pemerintahan", "trantib", "pmd", "pelayanan", "kesos", "ekbang", "pembangunan", "pem"},
    "tim": {"monitoring", "sakip", "teknis", "penyusun", "monev", "kerja"},
    "anggota": {"tim"},
    "staf": {"umum", "teknis", "pelaksana"},
    "petugas": {"pelayanan", "loket"},
    "fungsional": {"umum", "statistisi"},
    "pranata": {"komputer"},
    "bendahara": {"pengeluaran", "penerimaan"},
    "pengadministrasi": {"kepegawaian", "umum", "keuangan"},
}
UNITS = frozenset({"detik", "dtk", "menit", "mnt", "jam", "hari", "hr", "minggu", "mgg", "bulan", "bln"})
#: Short tokens that are real words in SOP cells, not symbol debris.
#: Word endings OCR puts on the next line without a hyphen ("menandatanga" / "ni").
SUFFIX_FRAGMENTS = frozenset({"ni", "nya", "kan"})
SHORT_WORDS = frozenset({"yg", "di", "ke", "dg", "dr", "ya", "&", "sd", "pd", "no", "tu", "dll", "an", "/",
                         "dan", "dgn", "utk", "per", "tgl", "ttd", "sdh", "tim", "ada", "hal", "dsb",
                         "rt", "rw", "sk", "kk", "uu"}
                         | SUFFIX_FRAGMENTS)
STEP_NO = re.compile(r"(\d{1,3})[.,]?")
#: A numbered list item ("3)", "2."): identity-page lists, never a header line, whatever role words follow.
LIST_ITEM = re.compile(r"\d{1,2}[.)]$")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?(?:-\d+)?")
#: What OCR prints for a lone digit next to a unit word ("S menit" is 5 menit).
DIGIT_LOOKALIKE = re.compile(r"[SsOolIB]")
#: A header token that can be part of a role label: letters, with the marks labels use ("Kasubag/Kasi",
#: "Sekr.", "(Kasi)", a mark OCR put inside a word: "Ketiam‘atan"); OCR of symbols drawn under the header
#: gives loose quotes, digits and dashes ("see“", "23", "—").
HEADER_TOKEN = re.compile(r"[(]?[^\W\d_]+(?:[./&'‘’-][^\W\d_]+)*[.,:;)/&-]*")
INNER_SUFFIX = re.compile(r"(?<=[a-z])-(an|kan|nya)\b")
def bare(token: str) -> str:
    """A token without surrounding punctuation, lower case: the key for vocabulary look-ups."""
    return token.strip(".,:;/()|-'‘’").lower()


def fuzzy_in(key: str, words: Iterable[str]) -> bool:
    """``key`` is one of ``words`` up to one OCR error (two in long words), same first letter."""
    if len(key) < 3:
        return False
    return any(
        len(word) >= 3 and key[0] == word[0] and abs(len(key) - len(word)) <= 1
        and Levenshtein.distance(key, word) <= (1 if len(word) < 8 else 2)
        for word in words
    )


def is_header_word(token: str) -> bool:
    key = bare(token)
    if key in HEADER_WORDS:
        return True
    return key not in ROLE_WORDS and fuzzy_in(key, HEADER_WORDS)


def is_debris(token: str) -> bool:
    """An isolated 1-2 character token that is not a word: OCR of a flowchart symbol or a ruling.

    All-caps pairs ("SE") are acronyms and digits may be a duration, so both
    are kept here; the row reader drops a lone digit the duration did not use.
    """
    if token.lower() in SHORT_WORDS:
        return False
    if not any(ch.isalnum() for ch in token):
        return True
    if len(token) > 2 or token.isdigit():
        return False
    return not (len(token) == 2 and token.isalpha() and token.isupper())


def tokens(text: str) -> list[str]:
    """Whitespace tokens with every "|" (a ruling line) as a token of its own."""
    return text.replace("|", " | ").split()
