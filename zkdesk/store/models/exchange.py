"""USB exchange bookkeeping: trusted peers and counters, per-record exchange state,
imported packages, receipts received, and conflicts awaiting a reviewer. None of it travels.

This office's own private keys are kept in `setting` (see services/exchange_keys.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from zkdesk.store.base import Base, UTCDateTime, utcnow
from zkdesk.store.sealed import SealedJSON


class ExchangePeer(Base):
    """Another office this one exchanges packages with: its trusted public keys and counters.

    A row may exist before the keys are known (the county's first package to a township).
    """

    __tablename__ = "exchange_peer"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    sign_key: Mapped[str] = mapped_column(String(64), default="")  # Ed25519 public, base64
    box_key: Mapped[str] = mapped_column(String(64), default="")  # X25519 public, base64
    fingerprint: Mapped[str] = mapped_column(String(32), default="")
    trusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    trusted_by: Mapped[str] = mapped_column(String(50), default="")
    last_out_seq: Mapped[int] = mapped_column(Integer, default=0)  # our packages to this peer
    acked_out_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest of those it confirmed


class ExchangeRecordState(Base):
    """What this office and one peer last agreed about one travelling record.

    remote_revision: the peer's revision last taken (or judged); base_hashes: a short hash per
    field the peer decides, as agreed then (JSON): a field whose local value no longer matches
    changed here, one whose incoming value no longer matches changed there.
    sent_*/acked_revision: our revision last sent, in which package, and the one confirmed.
    """

    __tablename__ = "exchange_record_state"

    peer_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    remote_revision: Mapped[int] = mapped_column(Integer, default=0)
    base_hashes: Mapped[str] = mapped_column(Text, default="{}")
    sent_revision: Mapped[int] = mapped_column(Integer, default=0)
    sent_seq: Mapped[int] = mapped_column(Integer, default=0)
    acked_revision: Mapped[int] = mapped_column(Integer, default=0)


class ExchangeInbound(Base):
    """One package imported from a peer, and the receipt to send back for it."""

    __tablename__ = "exchange_inbound"
    __table_args__ = (UniqueConstraint("peer_code", "digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(12), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    created: Mapped[datetime] = mapped_column(UTCDateTime)  # when the peer wrote it
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    receipt: Mapped[str] = mapped_column(Text, default="{}")  # JSON, see exchange/receipts.py


class ExchangeReceipt(Base):
    """A peer's receipt (回执) for one of our packages."""

    __tablename__ = "exchange_receipt"

    peer_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExchangeConflict(Base):
    """A record changed on both sides since the last exchange: both versions, for a reviewer."""

    __tablename__ = "exchange_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(12), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    remote_revision: Mapped[int] = mapped_column(Integer)
    # ID and phone numbers in these three are sealed with the data key (store/sealed.py SealedJSON)
    local_json: Mapped[str] = mapped_column(SealedJSON)  # the whole local row when detected
    remote_json: Mapped[str] = mapped_column(SealedJSON)  # the whole row as the peer sent it
    fields: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of differing fields
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | resolved | superseded
    resolution: Mapped[str] = mapped_column(String(12), default="")  # local | remote
    resolved_by: Mapped[str] = mapped_column(String(50), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Values kept here against the peer's, sent back until it confirms the package that carried
    # them, so both sides end equal: JSON {"values": {field: ours}, "expected": {field: theirs}}.
    send_back: Mapped[str] = mapped_column(SealedJSON, default="", server_default="")
    sent_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    acked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ExchangeFormState(Base):
    """One form definition file (forms/*.toml, by file name) between this office and a peer.

    At the county: the content (sha256 of the file) last sent to the township, in which
    package, and the content it confirmed with a receipt; a form goes again until confirmed.
    At a township: the content last taken from the county and from which package, so an older
    package never rolls a form back and re-importing a package can rewrite a missing file.
    """

    __tablename__ = "exchange_form_state"

    peer_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    sent_sha256: Mapped[str] = mapped_column(String(64), default="")
    sent_seq: Mapped[int] = mapped_column(Integer, default=0)
    acked_sha256: Mapped[str] = mapped_column(String(64), default="")
    received_sha256: Mapped[str] = mapped_column(String(64), default="")
    received_seq: Mapped[int] = mapped_column(Integer, default=0)


class ExchangeAlias(Base):
    """Another office's UUID for one of our records: the same thing typed in two offices (found
    by its natural key, store/natural_keys.py) or two duplicates merged here. A package from
    `peer_code` naming `remote_id` is read as naming `local_id`; a link learnt from one office
    never redirects another's records (two townships could send the same UUID). A merge made
    here (peer "") holds for every office's packages."""

    __tablename__ = "exchange_alias"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    local_id: Mapped[str] = mapped_column(String(36), index=True)
    # who sent it ("" for a merge made here)
    peer_code: Mapped[str] = mapped_column(String(12), primary_key=True, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
