"""Personal data (ID and phone numbers) masked for roles that do not need it: the one policy.

Every list, export and summary print shows numbers through `mask_for(actor, ...)` (or asks
`sees_personal(actor)`); an output that carries unmasked numbers is logged with
`audit.personal_data_disclosed`. How a number is masked is domain.idcard's mask_id_number and
mask_phone, used as they are where a number is always masked (audit details, messages).

    mask_for(actor, id_number="530924199001011234")   -> "530924********1234" (or as is)
    mask_for(actor, phone="13812345678")              -> "138****5678"
    mask_for(actor, id_number=i, phone=p)             -> (id, phone)
"""

from __future__ import annotations

import re
from typing import overload

from zkdesk.domain.idcard import mask_id_number, mask_phone
from zkdesk.domain.roles import Permission
from zkdesk.services.actor import Actor

# 18-character ID numbers (last may be X), 15-digit old ones, 11-digit mobiles, landlines.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def sees_personal(actor: Actor) -> bool:
    """True when the actor's role may see ID and phone numbers unmasked."""
    return actor.can(Permission.VIEW_PERSONAL)


@overload
def mask_for(actor: Actor, *, id_number: str) -> str: ...
@overload
def mask_for(actor: Actor, *, phone: str) -> str: ...
@overload
def mask_for(actor: Actor, *, id_number: str, phone: str) -> tuple[str, str]: ...


def mask_for(actor: Actor, id_number: str | None = None, phone: str | None = None):
    """The numbers as this actor may see them: unchanged for roles with VIEW_PERSONAL, masked
    otherwise. One keyword gives one string; both give (id_number, phone)."""
    show = sees_personal(actor)
    shown_id = None if id_number is None else (id_number if show else mask_id_number(id_number))
    shown_phone = None if phone is None else (phone if show else mask_phone(phone))
    if id_number is not None and phone is not None:
        return shown_id, shown_phone
    if id_number is not None:
        return shown_id
    if phone is not None:
        return shown_phone
    raise TypeError("mask_for needs id_number= or phone=")


def mask_text(actor: Actor, text: str) -> str:
    """Free text (notes, audit details) with any ID or mobile numbers in it masked."""
    if sees_personal(actor) or not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(1)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(1)), text)
