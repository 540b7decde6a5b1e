"""Place names across the 2025 reorganisation (63 -> 34 provinces, districts abolished,
communes merged), from the ``vietnamadminunits`` package's data.

Older documents name units that no longer exist ("UBND huyện Mai Sơn", "tỉnh Kon Tum");
newer ones name units that did not exist before. :func:`to_current` and :func:`to_former`
map a name either way; :func:`aliases` lists every name, old and new, of the units inside
the current unit(s) a name stands for, so a filter "Quảng Ngãi" also finds documents of
"tỉnh Kon Tum" (merged into it) and of its former districts and communes.

Names compare folded (no case, no diacritics), like search. The package takes over a
second to import: it is loaded on first use only.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from normalize.fold import fold

log = logging.getLogger(__name__)

_TYPES = ("thanh pho", "thi tran", "thi xa", "tinh", "huyen", "quan", "xa", "phuong", "dac khu")
_TYPE_RE = re.compile(r"^(?:" + "|".join(_TYPES) + r")\s+")
_LEVELS = ("province", "district", "ward")


@dataclass(frozen=True)
class Unit:
    """An administrative unit. ``level``: province, district or ward (any commune-level
    unit); ``current``: False for units of the 63-province system (before 1 July 2025)."""

    level: str
    name: str  # with its type: "Tỉnh Sơn La", "Huyện Mai Sơn", "Xã Chiềng Mung"
    short: str  # without it: "Mai Sơn"
    province: str  # short name of its province, in its own system
    current: bool
    district: str | None = None  # a former commune's district
    key: str = ""


def _norm(name: str) -> str:
    return " ".join(fold(name).lower().replace("-", " ").split())


def _bare(name: str) -> str:
    """Folded name without its unit type ("Huyện Mai Sơn" -> "mai son")."""
    return _TYPE_RE.sub("", _norm(name))


class _Index:
    """Units of both systems and the links between them, built once from the package data."""

    def __init__(self) -> None:
        from vietnamadminunits.converter import converter_2025
        from vietnamadminunits.database import query

        self.units: dict[str, Unit] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.children: dict[str, set[str]] = defaultdict(set)
        self.to_new: dict[str, set[str]] = defaultdict(set)
        self.to_old: dict[str, set[str]] = defaultdict(set)
        cols = "province, provinceShort, provinceKey, ward, wardShort, wardKey"
        for r in query(f"SELECT {cols} FROM admin_units"):
            ps = r["provinceShort"]
            p = self._add(f"n:{r['provinceKey']}", "province", r["province"], ps, ps, True)
            w = f"n:{r['provinceKey']}:{r['wardKey']}"
            self.children[p].add(self._add(w, "ward", r["ward"], r["wardShort"], ps, True))
        cols += ", district, districtShort, districtKey"
        for r in query(f"SELECT {cols} FROM admin_units_legacy"):
            ps, ds = r["provinceShort"], r["districtShort"]
            p = self._add(f"o:{r['provinceKey']}", "province", r["province"], ps, ps, False)
            d = f"{p}:{r['districtKey']}"
            self.children[p].add(self._add(d, "district", r["district"], ds, ps, False))
            if r["wardKey"]:
                w = self._add(f"{d}:{r['wardKey']}", "ward", r["ward"], r["wardShort"], ps, False)
                self.units[w] = Unit(**{**vars(self.units[w]), "district": ds})
                self.children[d].add(w)
        self._links(converter_2025)

    def _add(self, key: str, level: str, name: str, short: str, prov: str, current: bool) -> str:
        if key not in self.units:
            self.units[key] = Unit(level, name, short, prov, current, None, key)
            self.by_name[_bare(name)].append(key)
        return key

    def _links(self, conv: ModuleType) -> None:
        """The package's converter tables: old province -> new province; old commune ->
        the new commune(s) it went to (a divided commune lists every part)."""
        for new_p, olds in conv.DICT_PROVINCE.items():
            for old_p in olds:
                self._link(f"o:{old_p}", f"n:{new_p}")
        for new_p, wards in conv.DICT_PROVINCE_WARD_NO_DIVIDED.items():
            for new_w, olds in wards.items():
                for old in olds:
                    self._link("o:" + old.replace("_", ":"), f"n:{new_p}:{new_w}")
        for new_p, olds in conv.DICT_PROVINCE_WARD_DIVIDED.items():
            for old, parts in olds.items():
                for part in parts:
                    self._link("o:" + old.replace("_", ":"), f"n:{new_p}:{part['newWardKey']}")

    def _link(self, old: str, new: str) -> None:
        if old in self.units and new in self.units:
            self.to_new[old].add(new)
            self.to_old[new].add(old)

    def current_of(self, key: str) -> set[str]:
        """Current units covering a unit: itself, or what it became (a district: the new
        communes its communes went to)."""
        if self.units[key].current:
            return {key}
        if self.units[key].level == "district":
            return {n for w in self.children[key] for n in self.to_new[w]}
        return set(self.to_new[key])

    def area(self, keys: set[str]) -> set[str]:
        """The units and everything inside them, both systems."""
        out, todo = set(), list(keys)
        while todo:
            k = todo.pop()
            if k not in out:
                out.add(k)
                todo.extend(self.children[k])
        return out


@lru_cache(maxsize=1)
def _index() -> _Index:
    index = _Index()
    log.debug("administrative units loaded: %d (current and pre-2025)", len(index.units))
    return index


def find(name: str) -> list[Unit]:
    """Units (both systems) a name stands for; the highest level wins ("Quảng Ngãi" is the
    province, not the former city), unless the name carries its type ("thành phố Quảng Ngãi")."""
    idx = _index()
    keys = idx.by_name.get(_bare(name), [])
    if _TYPE_RE.match(_norm(name)):
        keys = [k for k in keys if _norm(idx.units[k].name) == _norm(name)]
    for level in _LEVELS:
        found = [idx.units[k] for k in keys if idx.units[k].level == level]
        if found:
            return sorted(found, key=lambda u: (not u.current, u.key))
    return []


def _sorted(keys: set[str]) -> list[Unit]:
    idx = _index()
    return sorted((idx.units[k] for k in keys), key=lambda u: (_LEVELS.index(u.level), u.key))


def to_current(name: str) -> list[Unit]:
    """The current units that now cover what the name named ("Kon Tum" -> Quảng Ngãi)."""
    idx = _index()
    return _sorted({n for u in find(name) for n in idx.current_of(u.key)})


def to_former(name: str) -> list[Unit]:
    """The former units merged into the current unit(s) a name names, and back again
    from a former name to its fellows ("Quảng Ngãi" -> Quảng Ngãi, Kon Tum)."""
    idx = _index()
    current = {n for u in find(name) for n in idx.current_of(u.key)}
    return _sorted({o for n in current for o in idx.to_old[n]})


@lru_cache(maxsize=1)
def _provinces_of_alias() -> dict[str, set[str]]:
    """Each folded alias -> the current provinces it occurs in (to drop ambiguous ones)."""
    idx = _index()
    out: dict[str, set[str]] = defaultdict(set)
    for key, unit in idx.units.items():
        for n in idx.current_of(key):
            out[_alias(unit)].add(idx.units[n].province)
    return out


def _alias(unit: Unit) -> str:
    """How a document names a unit: a province by its name, smaller units with their type
    ("huyện Mai Sơn": a bare "Mai Sơn" is also a person's or a commune's name)."""
    return _bare(unit.name) if unit.level == "province" else _norm(unit.name)


def aliases(name: str) -> list[str]:
    """Folded names, old and new, of every unit inside the current unit(s) ``name`` stands
    for. Names shared with units of other provinces (there are many "xã Tân Thành") are
    left out: they would match documents from elsewhere."""
    idx = _index()
    named = {u.key for u in find(name)}
    current = {n for k in named for n in idx.current_of(k)}
    if not current:
        return []
    provinces = {idx.units[n].province for n in current}
    former = {o for n in current for o in idx.to_old[n]}
    area = idx.area(named | current | former)
    ambiguous = _provinces_of_alias()
    names = {_alias(idx.units[k]) for k in area}
    names.add(_bare(name))
    return sorted(a for a in names if ambiguous.get(a, provinces) <= provinces)


@lru_cache(maxsize=64)
def pattern(name: str) -> re.Pattern | None:
    """A regex over folded text matching any alias of the place, on word boundaries
    (a name the package does not know matches as itself)."""
    names = aliases(name) or ([_bare(name)] if _bare(name) else [])
    if not names:
        return None
    alts = "|".join(
        re.escape(a).replace(r"\ ", r"\s+") for a in sorted(names, key=len, reverse=True)
    )
    return re.compile(r"(?<!\w)(?:" + alts + r")(?!\w)")


def mentions(text: str, name: str) -> bool:
    """True when the text names the place or a unit now inside it, or one formerly merged
    into it (compared folded)."""
    pat = pattern(name)
    return bool(pat and pat.search(_norm(text)))
