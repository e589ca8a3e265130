"""Signed model artifacts.

A joblib file is code: loading it runs whatever it was built to run. So every artifact
carries a SHA-256 of its payload, an HMAC-SHA256 over that checksum and its header made
with a key only the producer knows (in Odoo, the database secret), the library
versions it was made with, and the ``kind`` of the estimator it holds (and the company
it was trained for, when given). ``loads`` verifies all of it, and that the kind and
company are the expected ones, before unpickling anything; then it checks the object is
an :class:`~pyme_ai.base.Estimator` of that kind.

Layout: ``MAGIC`` + 4-byte big-endian header length + header (JSON, UTF-8) + payload
(joblib).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import platform
import struct
from importlib import metadata

import joblib

from . import base

MAGIC = b"PYMEAI\x00\x01"
#: 2: ``kind`` and ``company_id`` in the signed header.
FORMAT_VERSION = 2
#: Libraries whose version decides whether a pickled model can be trusted to load.
TRACKED_LIBRARIES = ("pyme-ai", "scikit-learn", "numpy", "joblib")


class PersistenceError(base.PymeAiError):
    """Base class: the artifact cannot be used. ``code`` names the reason for
    messages rendered in the reader's language (None: the text says it)."""

    code = None


class CorruptArtifactError(PersistenceError):
    """Not an artifact of ours, or truncated."""

    code = "refused_altered"


class ChecksumMismatchError(PersistenceError):
    """The payload does not match its recorded SHA-256: altered or damaged file."""

    code = "refused_altered"


class SignatureMismatchError(PersistenceError):
    """The HMAC does not verify: signed with another key, or the header was altered."""

    code = "refused_signature"


class IncompatibleVersionError(PersistenceError):
    """Made with library versions this environment cannot load safely; retrain."""

    code = "refused_version"


class WrongKindError(PersistenceError, base.WrongKindError):
    """The artifact holds a model of another kind than the one asked for."""


class WrongCompanyError(PersistenceError):
    """The artifact was trained for another company than the one asked for."""


def library_versions():
    """Installed versions of the tracked libraries (``None`` when absent) and Python."""
    versions = {}
    for dist in TRACKED_LIBRARIES:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    versions["python"] = platform.python_version()
    return versions


def _key_bytes(key):
    if isinstance(key, str):
        key = key.encode()
    if not key:
        raise PersistenceError("a non-empty signing key is required")
    return key


def _signature(key, header_bytes):
    return hmac.new(_key_bytes(key), header_bytes, hashlib.sha256).hexdigest()


def check_versions(recorded, current=None):
    """Raise IncompatibleVersionError when a pickled model may not load correctly here.

    scikit-learn and numpy must match in major.minor (scikit-learn itself refuses to
    vouch for pickles across minor versions); joblib must match in major; pyme-ai in
    major.minor (its model classes may change between minor releases).
    """
    current = current or library_versions()
    problems = []
    for dist, parts in (
        ("pyme-ai", 2),
        ("scikit-learn", 2),
        ("numpy", 2),
        ("joblib", 1),
    ):
        rec, cur = recorded.get(dist), current.get(dist)
        if rec and cur and rec.split(".")[:parts] != cur.split(".")[:parts]:
            problems.append(f"{dist} {rec} (artifact) vs {cur} (installed)")
    if problems:
        raise IncompatibleVersionError(
            "model was saved with incompatible library versions: "
            + "; ".join(problems)
            + ". Retrain it with the installed versions."
        )


def dumps(model, key, metadata=None):
    """Serialise ``model`` into signed artifact bytes.

    The header's ``kind`` is ``model.kind`` (an Estimator's), else ``metadata["kind"]``
    (None when neither); its ``company_id`` is ``metadata["company_id"]``.
    ``metadata`` must be JSON-serialisable.
    """
    metadata = dict(metadata or {})
    kind = getattr(model, "kind", None) if isinstance(model, base.Estimator) else None
    kind = kind or metadata.get("kind")
    buf = io.BytesIO()
    joblib.dump(model, buf, compress=3)
    payload = buf.getvalue()
    header = {
        "format": FORMAT_VERSION,
        "kind": kind,
        "company_id": metadata.get("company_id"),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "size": len(payload),
        "versions": library_versions(),
        "metadata": metadata,
    }
    header_bytes = json.dumps(header, sort_keys=True).encode()
    signed = {"header": header, "hmac": _signature(key, header_bytes)}
    blob = json.dumps(signed, sort_keys=True).encode()
    return MAGIC + struct.pack(">I", len(blob)) + blob + payload


def _split(data):
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CorruptArtifactError("artifact must be bytes")
    data = bytes(data)
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise CorruptArtifactError("not a pyme_ai model artifact (bad magic)")
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", data[len(MAGIC) : start])
    if start + length > len(data):
        raise CorruptArtifactError("artifact is truncated")
    try:
        signed = json.loads(data[start : start + length])
        header, mac = signed["header"], signed["hmac"]
        header["sha256"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptArtifactError(f"artifact header is unreadable: {exc}") from exc
    return header, mac, data[start + length :]


def inspect(data):
    """The header (checksum, versions, metadata), verifying and unpickling nothing."""
    return _split(data)[0]


def checksum(data):
    """SHA-256 of the payload as recorded in the header (the artifact's identity)."""
    return inspect(data)["sha256"]


def loads(data, key, *, kind=None, company_id=None):
    """Verify and deserialise artifact bytes made by ``dumps`` with the same ``key``.

    With ``kind`` (``company_id``), an artifact whose signed header names another kind
    (company) is refused with :class:`WrongKindError` (:class:`WrongCompanyError`)
    before anything is unpickled, and the loaded object must be an Estimator of
    ``kind``.
    """
    header, mac, payload = _split(data)
    size = header.get("size")
    if isinstance(size, int) and len(payload) < size:
        raise CorruptArtifactError("artifact is truncated: its payload is incomplete")
    if hashlib.sha256(payload).hexdigest() != header["sha256"] or len(payload) != size:
        raise ChecksumMismatchError(
            "model payload does not match its SHA-256 checksum: "
            "the file was altered or damaged"
        )
    header_bytes = json.dumps(header, sort_keys=True).encode()
    if not hmac.compare_digest(_signature(key, header_bytes), str(mac)):
        raise SignatureMismatchError(
            "model signature does not verify: it was made with another key or altered"
        )
    if header.get("format") != FORMAT_VERSION:
        raise IncompatibleVersionError(
            f"unsupported artifact format {header.get('format')!r}; retrain the model"
        )
    check_versions(header.get("versions") or {})
    if kind is not None and header.get("kind") != kind:
        raise WrongKindError(
            f"the artifact holds a {header.get('kind') or 'kind-less'} model, "
            f"not a {kind} model"
        )
    if company_id is not None and header.get("company_id") != company_id:
        raise WrongCompanyError(
            f"the artifact was trained for company {header.get('company_id')}, "
            f"not for company {company_id}"
        )
    model = joblib.load(io.BytesIO(payload))
    if kind is not None:
        try:
            base.check_kind(model, kind)
        except base.WrongKindError as exc:
            raise WrongKindError(str(exc)) from exc
    return model


def dump(obj, path, key, metadata=None):
    """Write a signed artifact to ``path``; returns its checksum."""
    data = dumps(obj, key, metadata)
    with open(path, "wb") as fh:
        fh.write(data)
    return checksum(data)


def load(path, key, *, kind=None, company_id=None):
    """Read and verify a signed artifact from ``path`` (see :func:`loads`)."""
    with open(path, "rb") as fh:
        return loads(fh.read(), key, kind=kind, company_id=company_id)
