"""The sensitive stores one internet-invocable function (a door) reaches, as columns, and the
"stores reached" groups `reach.public-to-sensitive` lists them in.

At 100,000 functions the doors reach 4.1 million stores; one tuple, record and string-keyed
look-up each were most of the rule's time. Here a door's stores are parallel arrays
(`DoorReach`), what a store or a grant row contributes is looked up by id (`StoreColumns`), and
a finding's stores are grouped by how they are reached (`StoreGroups`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzers.findings.model import Severity
from analyzers.unique import unique


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


class StoreGroups:
    """The "stores reached" of a finding, grouped by how each is reached (access, conditional,
    hops, severity): the groups worst first (where their first store ranks), each listing its
    stores' ARNs in rank order. One line per store repeating its kind, name and columns made
    `reach.public-to-sensitive` 888 MB of a 100,000-function report (4.1 million stores listed by
    11,000 findings); a group lists ARNs the store columns already hold (`StoreColumns.names`),
    so every finding shares the strings, and a pickle from the rules' child sends each once."""

    def __init__(self, columns: StoreColumns) -> None:
        self._columns = columns

    def groups(
        self, reached: DoorReach, order: np.ndarray, grade: np.ndarray, severities: Sequence[Severity]
    ) -> list[dict[str, object]]:
        """The groups of `reached`'s stores in `order`; `severities[grade[i]]` is store i's."""
        stores = reached.stores[order]
        access = reached.access[order]
        conditional = reached.conditional[order]
        hops = reached.hops[order]
        codes = np.array([_SEVERITY_CODE[s] for s in severities], dtype=np.int64)
        severity = codes[grade[order]]
        span = int(hops.max()) + 1
        key = ((access * 2 + conditional) * span + hops) * len(_SEVERITIES) + severity
        # (asking for the first places also keeps np.unique from importing numpy.ma: analyzers.unique)
        _keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        place = np.empty(first.size, dtype=np.int64)
        place[np.argsort(first, kind="stable")] = np.arange(first.size)
        group_of = place[inverse.reshape(-1)]  # each store's group, numbered as they are listed
        listed = np.argsort(group_of, kind="stable")  # by group, rank order within each
        ids = stores[listed].tolist()
        columns = self._columns
        out: list[dict[str, object]] = []
        at = 0
        for count in np.bincount(group_of).tolist():
            one = int(listed[at])  # a store of the group: its columns are the group's
            out.append(
                {
                    "access": columns.access[int(access[one])],
                    "conditional": bool(conditional[one]),
                    "hops": int(hops[one]),
                    "severity": _SEVERITIES[int(severity[one])].value,
                    "count": count,
                    "stores": [columns.names[i] for i in ids[at : at + count]],
                }
            )
            at += count
        return out
