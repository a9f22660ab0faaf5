"""What a travelling record *is*, whoever made it: its natural key, as data beside the models.

Two offices that typed the same thing give it two UUIDs; its natural key says it is one record
(docs/architecture.md "Data that travels"). A table has a list of keys tried in order; a key
applies to a record when none of its fields is empty. `unless_set` names fields that must be
empty in the record for the key to apply (an enterprise is known by its 统一社会信用代码 when it
has one, by name + township only when it has none).

Tables not listed here are known by their unique constraints (exchange/tables.py finds them),
e.g. an enterprise's year by (enterprise, year); a table with neither has no natural key.
A field in `keyed` is a sealed column (store/sealed.py): locally it is compared by its keyed hash
(`<field>_hmac`, read instead of the value); a package carries the plain value inside its
encryption and the receiver hashes it with its own key (`of(row, hasher)`).
Reference columns (enterprise_id, studio_id, …) are compared after the other office's UUIDs
have been read as ours (exchange/matching.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NaturalKey:
    fields: tuple[str, ...]
    unless_set: tuple[str, ...] = ()
    keyed: tuple[str, ...] = ()  # fields compared by their keyed hash

    def of(self, row: dict, hasher=None) -> tuple | None:
        """The key's value for a row (column -> value), or None when it does not apply. With
        `hasher` (plain value -> keyed hash) the keyed fields are hashed first."""
        for f in self.unless_set:
            if row.get(f) not in (None, ""):
                return None
        values = []
        for f in self.fields:  # a plain loop: called for every record of a package
            v = row.get(f)
            if isinstance(v, str):
                v = v.strip()
                if not v:
                    return None
            elif v is None:
                return None
            if hasher is not None and f in self.keyed:
                v = hasher(v)
            values.append(v)
        return tuple(values)


NATURAL_KEYS: dict[str, tuple[NaturalKey, ...]] = {
    "indicator_value": (NaturalKey(("indicator_id", "org_code", "year")),),  # plan indicator + org unit + year
    "enterprise": (NaturalKey(("uscc",)), NaturalKey(("name", "township_code"), unless_set=("uscc",))),
    "nomination": (NaturalKey(("session_id", "id_number"), keyed=("id_number",)),),  # 届次 + ID number
    "studio": (NaturalKey(("name", "township_code")),),
    "studio_result": (NaturalKey(("studio_id", "year")),),
    "collective_contract": (NaturalKey(("enterprise_id", "kind", "signed_on")),),
}


def keys_for(table: str, unique_sets: tuple[tuple[str, ...], ...] = ()) -> tuple[NaturalKey, ...]:
    """The natural keys of a table: declared above, else its unique constraints (besides the id)."""
    if table in NATURAL_KEYS:
        return NATURAL_KEYS[table]
    return tuple(NaturalKey(cols) for cols in unique_sets if cols != ("id",))
