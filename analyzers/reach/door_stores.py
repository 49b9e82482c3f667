"""The sensitive stores one internet-invocable function (a door) reaches, as columns, and the
"stores reached" lines `reach.public-to-sensitive` lists them by.

At 100,000 functions the doors reach 4.1 million stores; one tuple, record and string-keyed
look-up each were most of the rule's time. Here a door's stores are parallel arrays
(`DoorReach`), what a store or a grant row contributes is looked up by id (`StoreColumns`), and
a listed line is found by one integer packing its columns (`StoreLines`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers.findings.model import Severity
from analyzers.unique import unique
from estate.model import Estate


class StoreColumns:
    """What the doors look up per store and per grant row, as arrays: a store's classification
    (its code, in name order) and its place among the sensitive stores by ARN; a row's access
    (a code into `access`, filled in as rows are first reached)."""

    def __init__(
        self,
        names: Sequence[str],
        ids: Mapping[str, int],
        sensitive: Mapping[str, str],
        grant_data: Sequence[Mapping[str, Any]],
    ) -> None:
        self.names = names
        size = len(names)
        self.classes = sorted(set(sensitive.values()))
        code = {label: i for i, label in enumerate(self.classes)}
        self.class_of = np.full(size, -1, dtype=np.int64)
        self.place_of = np.zeros(size, dtype=np.int64)
        for place, arn in enumerate(sorted(sensitive)):  # sorting ints later, not ARNs
            node = ids.get(arn)
            if node is not None:
                self.class_of[node] = code[sensitive[arn]]
                self.place_of[node] = place
        self._data = grant_data  # each row's grant (SensitiveGrants.data)
        self._row_access = np.full(len(grant_data), -1, dtype=np.int64)
        self.access: list[Any] = []  # access as the store's own edge says it, by code
        self._code: dict[Any, int] = {}

    def access_codes(self, rows: np.ndarray) -> np.ndarray:
        codes = self._row_access[rows]
        unseen = rows[codes < 0]
        if unseen.size:
            for row in unique(unseen).tolist():
                value = self._data[row].get("access")
                found = self._code.get(value)
                if found is None:
                    found = self._code[value] = len(self.access)
                    self.access.append(value)
                self._row_access[row] = found
            codes = self._row_access[rows]
        return codes


@dataclass(frozen=True, slots=True)
class DoorReach:
    """The sensitive stores one door reaches, as parallel arrays (by store id), with the paths to
    the holders of their grants (`heads`, indexed by `head`)."""

    stores: np.ndarray
    rows: np.ndarray
    holders: np.ndarray
    head: np.ndarray
    access: np.ndarray  # codes (StoreColumns.access)
    conditional: np.ndarray
    hops: np.ndarray  # the head's hops and the grant's
    heads: Sequence[Sequence[Any]]  # each a path of steps (rules_sensitive._Step)

    def of(self, mask: np.ndarray) -> DoorReach:
        return DoorReach(
            self.stores[mask],
            self.rows[mask],
            self.holders[mask],
            self.head[mask],
            self.access[mask],
            self.conditional[mask],
            self.hops[mask],
            self.heads,
        )


_SEVERITIES = tuple(Severity)
_SEVERITY_CODE = {severity: i for i, severity in enumerate(_SEVERITIES)}


class StoreLines:
    """The "stores reached" lines of one run's findings, each distinct (store, access, conditional,
    hops, severity) line made once and shared by every finding that lists it: at 100,000 functions
    11,000 findings list 4.1 million stores, mostly lines other findings list too (the functions
    behind one role reach its stores alike); as separate dicts they held over a gigabyte in the
    rules' child and again in the process it sends them to (the pickle keeps the sharing).
    Evidence is read-only, as every finding's is: a shared line is never changed. A line is found
    by one integer packing its columns (a tuple where they do not fit), so listing a store costs
    a dictionary look-up."""

    def __init__(self, estate: Estate, columns: StoreColumns) -> None:
        self._estate = estate
        self._columns = columns
        self._made: dict[object, dict[str, object]] = {}

    def lines(
        self, reached: DoorReach, order: np.ndarray, grade: np.ndarray, severities: Sequence[Severity]
    ) -> list[dict[str, object]]:
        """The lines of `reached`'s stores in `order`; `severities[grade[i]]` is store i's."""
        stores = reached.stores[order]
        access = reached.access[order]
        conditional = reached.conditional[order]
        hops = reached.hops[order]
        codes = np.array([_SEVERITY_CODE[s] for s in severities], dtype=np.int64)
        severity = codes[grade[order]]
        keys: list[Any]
        if int(access.max()) < 256 and int(hops.max()) < 64:
            keys = ((((stores * 256 + access) * 2 + conditional) * 64 + hops) * 8 + severity).tolist()
        else:
            columns = (stores, access, conditional, hops, severity)
            keys = list(zip(*(c.tolist() for c in columns), strict=True))
        made = self._made
        found = [made.get(key) for key in keys]
        if None in found:
            for at in [at for at, line in enumerate(found) if line is None]:
                line = made.get(keys[at])
                if line is None:
                    line = made[keys[at]] = self._line(
                        int(stores[at]),
                        int(access[at]),
                        bool(conditional[at]),
                        int(hops[at]),
                        int(severity[at]),
                    )
                found[at] = line
        return found  # type: ignore[return-value]  # (every None filled in)

    def _line(
        self, store_id: int, access: int, conditional: bool, hops: int, severity: int
    ) -> dict[str, object]:
        columns = self._columns
        arn = columns.names[store_id]
        store = self._estate.data_stores[arn]
        return {
            "arn": arn,
            "kind": store.kind,
            "name": store.name,
            "access": columns.access[access],
            "conditional": conditional,
            "hops": hops,
            "severity": _SEVERITIES[severity].value,
        }
