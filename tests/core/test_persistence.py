"""Signed model artifacts: round trip, and refusal of anything tampered with."""

import json
import struct

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from pyme_ai import persistence
from pyme_ai.base import Estimator
from pyme_ai.base import WrongKindError as BaseWrongKindError
from pyme_ai.persistence import (
    MAGIC,
    ChecksumMismatchError,
    CorruptArtifactError,
    IncompatibleVersionError,
    PersistenceError,
    SignatureMismatchError,
    check_versions,
    dumps,
    loads,
)

KEY = "test-secret"

#: Side effects of unpickling ``_Bomb``; must stay empty when loading is refused.
EXPLODED = []


def _explode(tag):
    EXPLODED.append(tag)
    return tag


class _Bomb:
    """Unpickling this object runs ``_explode``: stands for a malicious payload."""

    def __reduce__(self):
        return (_explode, ("boom",))


def _fitted_model():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(scale=0.5, size=200) > 0).astype(int)
    return LogisticRegression(max_iter=200).fit(x, y), x


def _parts(data):
    """(signed header dict, payload bytes) of an artifact."""
    start = len(MAGIC) + 4
    (length,) = struct.unpack(">I", data[len(MAGIC) : start])
    return json.loads(data[start : start + length]), data[start + length :]


def _assemble(signed, payload):
    blob = json.dumps(signed, sort_keys=True).encode()
    return MAGIC + struct.pack(">I", len(blob)) + blob + payload


def _resign(data, key, mutate):
    """Re-sign an artifact after ``mutate(header)``, as a key holder could."""
    signed, payload = _parts(data)
    header = signed["header"]
    mutate(header)
    header_bytes = json.dumps(header, sort_keys=True).encode()
    signed["hmac"] = persistence._signature(key, header_bytes)
    return _assemble(signed, payload)


@pytest.fixture(autouse=True)
def _reset_bomb():
    EXPLODED.clear()
    yield
    EXPLODED.clear()


def test_round_trip_keeps_predictions_and_metadata():
    model, x = _fitted_model()
    data = dumps(model, KEY, {"capability": "leads", "rows": 200})
    assert data.startswith(MAGIC)
    loaded = loads(data, KEY)
    assert loaded is not model
    np.testing.assert_array_equal(loaded.predict_proba(x), model.predict_proba(x))
    header = persistence.inspect(data)
    assert header["metadata"] == {"capability": "leads", "rows": 200}
    assert (
        header["versions"]["scikit-learn"]
        == persistence.library_versions()["scikit-learn"]
    )
    assert persistence.checksum(data) == header["sha256"]
    assert len(header["sha256"]) == 64


def test_bytes_key_and_str_key_are_the_same_key():
    data = dumps({"a": 1}, KEY)
    assert loads(data, KEY.encode()) == {"a": 1}
    assert loads(bytearray(data), KEY) == {"a": 1}


def test_dump_and_load_files(tmp_path):
    model, x = _fitted_model()
    path = tmp_path / "model.pymeai"
    digest = persistence.dump(model, path, KEY, {"n": 1})
    data = path.read_bytes()
    assert digest == persistence.checksum(data)
    loaded = persistence.load(path, KEY)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_same_object_same_checksum_different_object_different_checksum():
    assert persistence.checksum(dumps([1, 2, 3], KEY)) == persistence.checksum(
        dumps([1, 2, 3], "other key")
    )
    assert persistence.checksum(dumps([1, 2, 3], KEY)) != persistence.checksum(
        dumps([1, 2, 4], KEY)
    )


def test_flipped_payload_byte_is_a_checksum_mismatch():
    data = bytearray(dumps(_Bomb(), KEY))
    data[-1] ^= 0x01
    with pytest.raises(ChecksumMismatchError):
        loads(bytes(data), KEY)
    assert EXPLODED == []


def test_payload_swapped_for_another_valid_payload_is_refused():
    good = dumps({"safe": True}, KEY)
    evil = dumps(_Bomb(), KEY)
    signed, _payload = _parts(good)
    _signed, evil_payload = _parts(evil)
    with pytest.raises(ChecksumMismatchError):
        loads(_assemble(signed, evil_payload), KEY)
    assert EXPLODED == []


def test_altered_header_metadata_is_a_signature_mismatch():
    data = dumps({"x": 1}, KEY, {"owner": "company 1"})
    signed, payload = _parts(data)
    signed["header"]["metadata"]["owner"] = "company 2"
    with pytest.raises(SignatureMismatchError):
        loads(_assemble(signed, payload), KEY)


def test_attacker_recomputing_the_checksum_still_fails_the_signature():
    # An attacker can recompute the SHA-256 of a new payload but not the HMAC.
    good = dumps({"safe": True}, KEY)
    evil = dumps(_Bomb(), "attacker key")
    signed, _payload = _parts(good)
    evil_signed, evil_payload = _parts(evil)
    signed["header"]["sha256"] = evil_signed["header"]["sha256"]
    signed["header"]["size"] = evil_signed["header"]["size"]
    with pytest.raises(SignatureMismatchError):
        loads(_assemble(signed, evil_payload), KEY)
    assert EXPLODED == []


def test_other_key_is_a_signature_mismatch_and_never_unpickles():
    data = dumps(_Bomb(), "attacker key")
    with pytest.raises(SignatureMismatchError):
        loads(data, KEY)
    assert EXPLODED == []
    # with the right key the payload does run: the guard above is what protects
    assert loads(data, "attacker key") == "boom"
    assert EXPLODED == ["boom"]


def test_empty_key_is_refused():
    with pytest.raises(ValueError):
        dumps([1], "")
    data = dumps([1], KEY)
    with pytest.raises(ValueError):
        loads(data, b"")


def test_other_scikit_learn_minor_version_is_incompatible():
    data = dumps({"x": 1}, KEY)

    def older_sklearn(header):
        major, minor = header["versions"]["scikit-learn"].split(".")[:2]
        header["versions"]["scikit-learn"] = f"{major}.{int(minor) - 1}.0"

    with pytest.raises(IncompatibleVersionError, match="scikit-learn"):
        loads(_resign(data, KEY, older_sklearn), KEY)


def test_recorded_versions_come_from_library_versions_at_dump_time(monkeypatch):
    real = persistence.library_versions()
    fake = dict(real, numpy="1.0.0")
    monkeypatch.setattr(persistence, "library_versions", lambda: dict(fake))
    data = dumps({"x": 1}, KEY)
    monkeypatch.setattr(persistence, "library_versions", lambda: dict(real))
    assert persistence.inspect(data)["versions"]["numpy"] == "1.0.0"
    with pytest.raises(IncompatibleVersionError, match="numpy 1.0.0"):
        loads(data, KEY)


def test_other_patch_version_still_loads():
    data = dumps({"x": 1}, KEY)

    def other_patch(header):
        major, minor = header["versions"]["scikit-learn"].split(".")[:2]
        header["versions"]["scikit-learn"] = f"{major}.{minor}.99"
        header["versions"]["python"] = "3.0.0"

    assert loads(_resign(data, KEY, other_patch), KEY) == {"x": 1}


def test_unknown_format_is_incompatible():
    data = dumps({"x": 1}, KEY)
    tampered = _resign(data, KEY, lambda h: h.update(format=99))
    with pytest.raises(IncompatibleVersionError, match="format"):
        loads(tampered, KEY)


def test_check_versions_rules():
    current = {"scikit-learn": "1.5.2", "numpy": "2.1.0", "joblib": "1.4.2"}
    check_versions(dict(current), current)
    check_versions({"scikit-learn": "1.5.0", "numpy": "2.1.3"}, current)  # patch
    check_versions({"joblib": "1.2.0"}, current)  # joblib: major only
    check_versions({"scikit-learn": None, "numpy": None}, current)  # unknown
    check_versions({}, current)
    with pytest.raises(IncompatibleVersionError, match="scikit-learn 1.4.2"):
        check_versions({"scikit-learn": "1.4.2"}, current)
    with pytest.raises(IncompatibleVersionError, match="numpy 1.26.4"):
        check_versions({"numpy": "1.26.4"}, current)
    with pytest.raises(IncompatibleVersionError, match="joblib 2.0.0"):
        check_versions({"joblib": "2.0.0"}, current)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not an artifact at all",
        MAGIC,
        MAGIC + b"\x00\x00",
        MAGIC + struct.pack(">I", 1000) + b"{}",  # header longer than the data
        MAGIC + struct.pack(">I", 5) + b"nojsn",
        MAGIC + struct.pack(">I", 2) + b"[]",
        MAGIC + struct.pack(">I", 2) + b"{}",
        MAGIC + struct.pack(">I", 29) + b'{"header": "x", "hmac": "00"}',
    ],
)
def test_garbage_is_corrupt(garbage):
    with pytest.raises(CorruptArtifactError):
        loads(garbage, KEY)


def test_truncated_header_or_payload_says_truncated():
    data = dumps({"x": 1}, KEY)
    for keep in (len(MAGIC) + 30, len(data) - 1):
        with pytest.raises(CorruptArtifactError, match="truncated"):
            loads(data[:keep], KEY)


def test_not_bytes_is_corrupt():
    with pytest.raises(CorruptArtifactError):
        loads("PYMEAI text", KEY)


@pytest.mark.parametrize("keep", [len(MAGIC) + 2, len(MAGIC) + 30, -10, -1])
def test_truncated_artifact_is_corrupt(keep):
    data = dumps(_Bomb(), KEY)
    with pytest.raises(CorruptArtifactError):
        loads(data[:keep], KEY)
    assert EXPLODED == []


def test_every_error_is_a_persistence_error():
    for exc in (
        ChecksumMismatchError,
        SignatureMismatchError,
        IncompatibleVersionError,
        CorruptArtifactError,
    ):
        assert issubclass(exc, PersistenceError)


def test_engine_minor_version_change_is_incompatible():
    from pyme_ai.persistence import IncompatibleVersionError, check_versions

    current = {"pyme-ai": "0.2.0", "scikit-learn": "1.9.1", "numpy": "2.4.6"}
    check_versions({"pyme-ai": "0.2.5"}, current)  # patch releases keep models
    with pytest.raises(IncompatibleVersionError, match="pyme-ai 0.1.0"):
        check_versions({"pyme-ai": "0.1.0"}, current)


# ----------------------------------------------------------------- kind and company
class _Kinded(Estimator):
    kind = "test_kind"

    def __init__(self, *, alpha=1):
        self.alpha = alpha


class _BombEstimator(Estimator):
    """An Estimator whose unpickling runs ``_explode``."""

    kind = "test_kind"

    def __reduce__(self):
        return (_explode, ("boom",))


def test_header_carries_the_estimator_kind_and_company():
    data = dumps(_Kinded(alpha=2), KEY, {"company_id": 3})
    header = persistence.inspect(data)
    assert header["format"] == persistence.FORMAT_VERSION == 2
    assert header["kind"] == "test_kind" and header["company_id"] == 3
    loaded = loads(data, KEY, kind="test_kind", company_id=3)
    assert isinstance(loaded, _Kinded) and loaded.alpha == 2
    # metadata names the kind of an object that is not an Estimator
    assert persistence.inspect(dumps({"a": 1}, KEY, {"kind": "x"}))["kind"] == "x"
    assert persistence.inspect(dumps({"a": 1}, KEY))["kind"] is None


def test_wrong_kind_in_header_is_refused_before_unpickling():
    data = dumps(_BombEstimator(), KEY)
    with pytest.raises(persistence.WrongKindError) as exc:
        loads(data, KEY, kind="lead_scoring")
    assert str(exc.value) == (
        "the artifact holds a test_kind model, not a lead_scoring model"
    )
    assert isinstance(exc.value, PersistenceError)
    assert isinstance(exc.value, BaseWrongKindError)
    with pytest.raises(persistence.WrongKindError, match="kind-less model"):
        loads(dumps({"a": 1}, KEY), KEY, kind="lead_scoring")
    assert EXPLODED == []


def test_wrong_company_in_header_is_refused_before_unpickling():
    data = dumps(_BombEstimator(), KEY, {"company_id": 1})
    with pytest.raises(
        persistence.WrongCompanyError,
        match="trained for company 1, not for company 2",
    ):
        loads(data, KEY, kind="test_kind", company_id=2)
    assert EXPLODED == []


def test_object_of_another_kind_than_its_header_is_refused_after_unpickling():
    # a key holder writing a kind into the header of a non-Estimator payload
    data = dumps({"a": 1}, KEY, {"kind": "test_kind"})
    assert loads(data, KEY) == {"a": 1}
    with pytest.raises(persistence.WrongKindError, match="this is a dict model"):
        loads(data, KEY, kind="test_kind")
    forged = _resign(dumps(_Kinded(), KEY), KEY, lambda h: h.update(kind="other"))
    with pytest.raises(persistence.WrongKindError, match="this is a test_kind model"):
        loads(forged, KEY, kind="other")


def test_load_file_checks_kind(tmp_path):
    path = tmp_path / "m.pymeai"
    persistence.dump(_Kinded(), path, KEY)
    assert isinstance(persistence.load(path, KEY, kind="test_kind"), _Kinded)
    with pytest.raises(persistence.WrongKindError):
        persistence.load(path, KEY, kind="demand_forecast")


def test_previous_format_asks_for_retraining():
    data = _resign(dumps({"x": 1}, KEY), KEY, lambda h: h.update(format=1))
    with pytest.raises(IncompatibleVersionError, match="format 1; retrain"):
        loads(data, KEY)
