"""Role registry: header labels -> stable role ids.

The registry is data (``roles.yaml`` shipped in the package, plus an office's
own file that extends it). A label is matched after *folding*: case,
punctuation and spacing ignored, known abbreviations expanded ("Kasubbag
Umpeg" -> "kasubag umum kepegawaian"). Exact folded matches win; otherwise
rapidfuzz picks the closest alias, which absorbs OCR noise ("Sekretaris
Ketiam'atan", "Sek.Tim.Sa kip"). A label nothing matches still becomes a role,
with a slug id and a warning, so no column is ever lost.

Continuation pages repeat the header, often garbled. :func:`resolve_segments`
uses the column order of the first header as a prior there: a label that
matches nothing confidently, or only a more generic role ("TIM" under the
column that page 1 called "Anggota Tim Sakip"), is taken as the role of the
same column on the first page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from sopbaku.errors import ConfigError

#: Below this similarity (0-100) a garbled continuation label is not taken as
#: the same-column role of the first header.
POSITIONAL_MIN_SCORE = 50.0


@dataclass(frozen=True)
class Role:
    id: str
    name: str


@dataclass
class Registry:
    """Known roles and their folded aliases."""

    roles: dict[str, Role]
    aliases: dict[str, str]  # folded alias -> role id
    abbreviations: dict[str, str] = field(default_factory=dict)
    #: words naming another office ("Sekretaris Badan"): after them a position is not the alias it starts with
    offices: set[str] = field(default_factory=set)

    def fold(self, label: str) -> str:
        """Lowercase ASCII words with abbreviations expanded: the form aliases are compared in."""
        text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
        text = re.sub(r"[^a-z0-9/]+", " ", text).replace("/", " / ")
        words = [self.abbreviations.get(w, w) for w in text.split()]
        return " ".join(" ".join(words).split()).replace(" / ", "/")

    def match(self, label: str, threshold: float) -> tuple[Role | None, float]:
        """The best role for ``label`` and its score; None below ``threshold``."""
        folded = self.fold(label)
        if not folded:
            return None, 0.0
        if folded in self.aliases:
            return self.roles[self.aliases[folded]], 100.0
        ranked = process.extract(folded, list(self.aliases), scorer=fuzz.ratio, limit=FUZZY_CANDIDATES)
        if not ranked:
            return None, 0.0
        for alias, score, _ in ranked:
            if score >= threshold and self._covers(folded, alias):
                return self.roles[self.aliases[alias]], float(score)
        prefix = self._longest_prefix_alias(folded)
        if prefix is not None:
            return self.roles[self.aliases[prefix]], float(threshold)
        return None, float(ranked[0][1])

    def _covers(self, folded: str, alias: str) -> bool:
        """Every word of ``alias`` is in ``folded`` up to OCR noise, or stands where a garbled word is.

        "sekretaris badan" scores close to "sekretaris desa" and "kepala balai" to "kepala badan", but
        the word that tells the office apart is a real word, not the alias's: such a label stays its own
        role. A word no alias and no office uses ("ban" in "ban kepegawaian") is OCR garble and may stand
        for one alias word.
        """
        words = folded.split()
        if len(words) < len(alias.split()) and _same_word(alias.replace(" ", ""), "".join(words)):
            return True  # words OCR ran together: "statumum" for "staf umum"
        pieces = words + [a + b for a, b in pairwise(words)]
        missing = [w for w in alias.split() if not any(_same_word(w, p) for p in pieces)]
        alias_words = set(alias.split())
        garbled = [p for p in words if not any(_same_word(w, p) for w in alias_words)
                   and p not in self.words and p not in self.offices]
        return len(missing) <= len(garbled)

    @cached_property
    def words(self) -> set[str]:
        """Every word of every alias (read once the registry is loaded)."""
        return {w for alias in self.aliases for w in alias.replace("/", " ").split()}

    def _longest_prefix_alias(self, folded: str) -> str | None:
        """The longest alias the label starts with, word-wise: "camat bungursari" -> "camat",
        "statistisi ahli muda" -> "statistisi" (a position followed by a place or a grade);
        never when the rest names another office ("sekretaris inspektorat" is no "sekretaris")."""
        words = folded.split()
        for n in range(len(words) - 1, 0, -1):
            head = " ".join(words[:n])
            if head in self.aliases:
                return None if self.offices & set(words[n:]) else head
        return None

    def similarity(self, label: str, role_id: str) -> float:
        """How close ``label`` is to any alias of ``role_id`` (0-100)."""
        folded = self.fold(label)
        names = [a for a, rid in self.aliases.items() if rid == role_id]
        return max((fuzz.ratio(folded, a) for a in names), default=0.0)


#: Fuzzy candidates looked at, best first, for one whose words the label covers.
FUZZY_CANDIDATES = 5
#: Similarity (0-1) from which a label word (or two adjacent ones, "sa kip") reads as an alias word.
WORD_SIMILARITY = 0.7


def _same_word(word: str, piece: str) -> bool:
    return word == piece or (len(word) > 3 and Levenshtein.normalized_similarity(word, piece) >= WORD_SIMILARITY)


def _load_yaml(text: str, origin: str) -> dict:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("roles", []), list):
        raise ConfigError(f"{origin}: expected a mapping with a 'roles' list")
    return data


def _merge(reg: Registry, data: dict, origin: str) -> None:
    reg.abbreviations.update({str(k).lower(): str(v).lower() for k, v in (data.get("abbreviations") or {}).items()})
    reg.offices.update(str(w).lower() for w in data.get("offices") or [])
    for entry in data.get("roles") or []:
        if not isinstance(entry, dict) or not re.fullmatch(r"[a-z0-9_]+", str(entry.get("id", ""))):
            raise ConfigError(f"{origin}: every role needs an id of lowercase letters, digits and '_': {entry!r}")
        rid = entry["id"]
        role = Role(rid, str(entry.get("name") or rid.replace("_", " ").title()))
        reg.roles[rid] = role
        for alias in [role.name, *(entry.get("aliases") or [])]:
            reg.aliases[reg.fold(str(alias))] = rid


@lru_cache(maxsize=8)
def load_registry(extra: Path | None = None) -> Registry:
    """The shipped registry, extended (and overridden alias by alias) by ``extra``."""
    reg = Registry(roles={}, aliases={})
    shipped = resources.files("sopbaku.normalize").joinpath("roles.yaml").read_text(encoding="utf-8")
    base = _load_yaml(shipped, "roles.yaml")
    reg.abbreviations.update({str(k).lower(): str(v).lower() for k, v in (base.get("abbreviations") or {}).items()})
    _merge(reg, base, "roles.yaml")
    if extra is not None:
        try:
            text = Path(extra).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{Path(extra).name}: role file cannot be read ({exc.strerror})") from exc
        _merge(reg, _load_yaml(text, Path(extra).name), Path(extra).name)
    # aliases were folded before all abbreviations were known: fold them again
    reg.aliases = {reg.fold(a): rid for a, rid in reg.aliases.items()}
    return reg


def slug(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "peran"


@dataclass
class ResolvedRoles:
    """The SOP's roles in first-seen order, and for each header segment its column -> role id."""

    roles: list[Role]
    labels: dict[str, list[str]]  # role id -> header texts seen for it, in order
    columns: list[list[str | None]]  # per segment, per column: role id (None for an empty label)
    unknown: list[str]  # labels that became slug roles


def _claimed_twice(role_id: str, labels: list[str], registry: Registry, threshold: float) -> bool:
    """Whether more than one label of a header maps to ``role_id``."""
    hits = 0
    for label in labels:
        role, _ = registry.match(label, threshold)
        hits += role is not None and role.id == role_id
    return hits > 1


def _tokens(text: str) -> set[str]:
    return set(text.split())


def _credible(labels: list[str], prior: list[str | None], registry: Registry, threshold: float) -> bool:
    """Whether a later header reads as the table's header: one label names a known role or its column's role.

    Readers take a body row for a repeated header now and then (an OCR row that
    repeats "Keterangan" three times); its words ("Surat", "Ahli Waris") are no
    roles, and a true repeated header always has a label the registry or the
    first page confirms.
    """
    for col, label in enumerate(labels):
        if not registry.fold(label):
            continue
        if registry.match(label, threshold)[0] is not None:
            return True
        rid = prior[col] if col < len(prior) else None
        if rid is not None and registry.similarity(label, rid) >= threshold:
            return True
    return False


def resolve_segments(segment_labels: list[list[str]], registry: Registry, threshold: float) -> ResolvedRoles:
    """Map every segment's role labels to ids, using the first header as the prior for later ones.

    The first header that has labels is taken as read; a later one that is not
    :func:`_credible` adds no role and maps no column.
    """
    out = ResolvedRoles(roles=[], labels={}, columns=[], unknown=[])
    first: list[str | None] = []
    primary: int | None = None

    def add(role: Role, label: str) -> str:
        if role.id not in out.labels:
            out.roles.append(role)
            out.labels[role.id] = []
        if label not in out.labels[role.id]:
            out.labels[role.id].append(label)
        return role.id

    for seg_no, labels in enumerate(segment_labels):
        cols: list[str | None] = []
        if primary is None and any(registry.fold(label) for label in labels):
            primary = seg_no
        elif primary is not None and not _credible(labels, first, registry, threshold):
            out.columns.append([None] * len(labels))
            continue
        for col, raw_label in enumerate(labels):
            label = " ".join(raw_label.split())
            if not registry.fold(label):
                cols.append(None)
                continue
            role, _ = registry.match(label, threshold)
            prior = first[col] if seg_no != primary and col < len(first) else None
            if prior is not None and (role is None or role.id == prior) and (
                role is not None or registry.similarity(label, prior) >= POSITIONAL_MIN_SCORE
            ):
                role = next(r for r in out.roles if r.id == prior)
            elif prior is not None and role is not None and role.id not in out.labels:
                # a generic label ("TIM") under a column page 1 named more precisely
                prior_words = _tokens(registry.fold(" ".join(out.labels[prior])))
                if _tokens(registry.fold(label)) <= prior_words:
                    role = next(r for r in out.roles if r.id == prior)
            if role is not None and seg_no == primary and _claimed_twice(role.id, labels, registry, threshold):
                role = None  # two columns of one header are never one role: keep them apart
            if role is None and seg_no != primary:
                cols.append(None)  # a later page adds only roles the registry knows: the first page read the rest
                continue
            if role is None:
                role = Role(slug(label), label)
                out.unknown.append(label)
            cols.append(add(role, label))
        out.columns.append(cols)
        if seg_no == primary:
            first = cols
    return out


def role_named(phrase: str, resolved: ResolvedRoles, registry: Registry, threshold: float) -> str | None:
    """The id of the SOP role an activity text names ("dikembalikan kepada Sekcam"), or None.

    The registry decides first, aliases and abbreviations included, so "Sekretaris Camat" and
    "Sekcam" both find the column headed "Sekretaris Kecamatan"; a role the registry does not
    know (a slug role) is found by the closest of its header labels. Only the SOP's own roles
    are candidates: a name that is no column of this table is no target.
    """
    ids = {r.id for r in resolved.roles}
    role, _ = registry.match(phrase, threshold)
    if role is not None and role.id in ids:
        return role.id
    folded = registry.fold(phrase)
    best, best_score = None, 0.0
    for r in resolved.roles:
        for name in [r.name, *resolved.labels.get(r.id, [])]:
            score = fuzz.ratio(registry.fold(name), folded)
            if score > best_score:
                best, best_score = r.id, score
    return best if best_score >= threshold else None
