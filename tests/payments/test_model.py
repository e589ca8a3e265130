"""pyme_ai.payments: reference normalisation, each reason, feedback, the protocol."""

import pickle

import pytest

from pyme_ai.base import Estimator, InsufficientDataError, check_kind
from pyme_ai.payments import (
    REASON_CODES,
    PaymentRiskError,
    PaymentRiskModel,
    edit_distance,
    evaluate,
    is_sequence,
    normalize_reference,
)
from pyme_ai.payments.sample import generate_ledger


def bill(i, vendor="ACME", day=1, amount=100.0, reference=None, **extra):
    date = f"2024-{(day - 1) // 28 + 1:02d}-{(day - 1) % 28 + 1:02d}"
    values = {
        "id": f"b{i}",
        "vendor": vendor,
        "date": date,
        "posted_at": f"{date} 10:00:00",
        "amount": amount,
        "currency": "EUR",
        "reference": reference if reference is not None else f"F-2024/{i:04d}",
        "bank_account": "ES11 0000 0000 0000 0000 0001",
        "checksum": f"sum{i}",
        "user": "ana",
    }
    values.update(extra)
    return values


def history(n=24, amount=100.0):
    """A vendor billing about ``amount`` every ten days."""
    return [bill(i, day=1 + 10 * i % 300, amount=amount + (i % 5)) for i in range(n)]


def codes(result, index=0):
    return [reason["code"] for reason in result["reasons"][index]]


def test_reference_normalisation():
    assert normalize_reference("F-2024/0012") == normalize_reference("F2024-12")
    assert normalize_reference("f 24/00012") == "f 24 12"
    assert normalize_reference("Factura Nº 7") == "factura no 7"
    assert normalize_reference(None) == ""
    assert normalize_reference("F-2024/0013") != normalize_reference("F-2024/0012")


def test_edit_distance_and_sequences():
    assert edit_distance("inv123", "inv132") == 1  # a transposition is one edit
    assert edit_distance("abc", "abcd") == 1
    assert edit_distance("abcdef", "uvwxyz", limit=2) == 3
    assert is_sequence("inv 123", "inv 124")
    assert not is_sequence("inv 123", "inv 9123")
    assert is_sequence("rec 23 12", "rec 24 1")


def test_protocol_and_pickle():
    model = PaymentRiskModel(threshold=60).fit({"bills": history()})
    assert isinstance(model, Estimator) and check_kind(model, "payment_risk")
    assert model.get_params()["threshold"] == 60
    clone = pickle.loads(pickle.dumps(model))
    assert clone.explain_bills([bill(99, day=200)])["id"] == ["b99"]
    with pytest.raises(InsufficientDataError):
        PaymentRiskModel().fit({"bills": []})
    with pytest.raises(PaymentRiskError):
        PaymentRiskModel().fit({"bills": [{"id": "1", "vendor": "A"}]})


def test_reformatted_reference_is_a_duplicate():
    model = PaymentRiskModel().fit({"bills": history()})
    first = bill(100, day=250, amount=103.0, reference="F-2024/0712")
    again = bill(101, day=252, amount=103.0, reference="f2024-712", checksum="other")
    found = model.explain_bills([first, again])
    assert found["flagged"] == [False, True]
    reason = found["reasons"][1][0]
    assert reason["code"] == "duplicate_reference"
    assert reason["params"]["bill"] == "b100"
    assert reason["params"]["reference"] == "F-2024/0712"


def test_typo_attachment_same_amount_and_other_vendor():
    model = PaymentRiskModel().fit({"bills": history()})
    base = bill(100, day=250, amount=103.3, reference="INV-4471")
    typo = bill(101, day=251, amount=103.3, reference="INV-4417")
    copy = bill(102, day=252, amount=99.0, reference="X-1", checksum="sum100")
    blank = bill(103, day=253, amount=103.3, reference="")
    other = bill(104, vendor="ACME SL", day=253, amount=103.3, reference="Z9")
    found = model.explain_bills([base, typo, copy, blank, other])
    assert "similar_reference" in codes(found, 1)
    assert "same_attachment" in codes(found, 2)
    assert "same_amount" in codes(found, 3)
    assert "duplicate_other_vendor" in codes(found, 4)
    assert all(found["flagged"][1:])


def test_monthly_rent_is_not_a_duplicate():
    rent = [
        bill(
            i,
            vendor="Landlord",
            day=1 + 28 * i,
            amount=950.0,
            reference="Alquiler local",
            bank_account="ES22",
        )
        for i in range(10)
    ]
    numbered = [
        bill(
            20 + i,
            vendor="Leasing",
            day=1 + 28 * i,
            amount=310.0,
            reference=f"REC-2024-{i + 1:03d}",
            bank_account="ES33",
        )
        for i in range(10)
    ]
    others = history(amount=5000.0)
    model = PaymentRiskModel().fit({"bills": others + rent + numbered})
    found = model.explain_bills(rent + numbered)
    assert not any(found["flagged"]), found["reasons"]
    # a second rent bill in the same month is still caught
    twice = bill(
        99,
        vendor="Landlord",
        day=1 + 28 * 9 + 2,
        amount=950.0,
        reference="Alquiler local",
        bank_account="ES22",
    )
    found = model.explain_bills(rent + [twice])
    assert found["flagged"][-1]


def test_amount_outlier_round_and_new_vendor():
    model = PaymentRiskModel().fit({"bills": history(40)})
    found = model.explain_bills(
        [
            bill(200, day=280, amount=2500.37),
            bill(201, day=281, amount=100.37),
            bill(202, vendor="Brand new", day=282, amount=90000.0),
        ]
    )
    assert codes(found, 0)[0] == "amount_outlier"
    assert found["reasons"][0][0]["params"]["ratio"] > 20
    assert found["flagged"] == [True, False, True]
    assert "new_vendor_large" in codes(found, 2)
    round_one = model.explain_bills([bill(203, day=283, amount=500.0)])
    assert "round_amount" in codes(round_one)


def test_payment_bank_account_risks():
    model = PaymentRiskModel().fit(
        {
            "bills": history(),
            "payments": [
                {
                    "id": "p0",
                    "vendor": "ACME",
                    "date": "2024-01-20",
                    "amount": 100,
                    "bank_account": "ES1100000000000000000001",
                }
            ],
        }
    )
    payment = {
        "id": "p1",
        "vendor": "ACME",
        "date": "2024-06-10",
        "amount": 101.0,
        "bank_account": "PT50 0000 1111 2222 3333 4444 5",
        "account_changed_at": "2024-06-08",
        "account_owner": "Someone else",
        "account_country": "PT",
        "vendor_country": "ES",
        "bill_posted_at": "2024-06-10",
    }
    found = model.explain_payments([payment])
    got = codes(found)
    assert got[0] == "bank_account_changed"
    assert found["reasons"][0][0]["params"]["days"] == 2
    for code in (
        "bank_account_other_owner",
        "bank_account_other_country",
        "bank_account_new",
        "paid_same_day",
    ):
        assert code in got
    assert found["flagged"] == [True]
    usual = dict(
        payment,
        bank_account="ES1100000000000000000001",
        account_changed_at="2020-01-01",
        account_owner="ACME",
        account_country="ES",
        bill_posted_at="2024-05-01",
    )
    assert model.explain_payments([usual])["flagged"] == [False]


def test_feedback_lowers_that_vendor_and_pattern():
    bills = history() + [bill(100, day=250, amount=103.0, reference="F-2024/0712")]
    again = bill(101, day=252, amount=103.0, reference="F2024-712", checksum="x")
    model = PaymentRiskModel().fit({"bills": bills})
    before = model.explain({"bills": [again]})["bills"]["score"][0]
    feedback = [{"vendor": "ACME", "code": "duplicate_reference"}]
    after = model.explain({"bills": [again], "feedback": feedback})["bills"]
    assert after["score"][0] < before and not after["flagged"][0]
    remembered = PaymentRiskModel().fit({"bills": bills, "feedback": feedback})
    assert remembered.explain_bills([again], remembered.feedback_)["score"][0] < before
    other = dict(again, vendor="OTHER", id="b102")
    assert (
        model.explain({"bills": [other], "feedback": feedback})["bills"]["score"][0]
        == model.explain({"bills": [other]})["bills"]["score"][0]
    )


def test_every_reason_code_is_declared():
    ledger = generate_ledger(n_vendors=60, years=2, seed=3)
    model = PaymentRiskModel().fit(ledger)
    found = model.explain(ledger)
    seen = {
        reason["code"]
        for part in found.values()
        for reasons in part["reasons"]
        for reason in reasons
    }
    assert seen <= set(REASON_CODES)
    assert {"duplicate_reference", "amount_outlier", "bank_account_changed"} <= seen


def test_evaluate_reports_flag_rate():
    ledger = generate_ledger(n_vendors=40, years=2, seed=1)
    result = evaluate(ledger)
    assert result.primary_metric == "flag_rate" and not result.higher_is_better
    assert 0 < result.metrics["flag_rate"] < 0.1
    assert result.n_rows == len(ledger["bills"]["id"])
    assert isinstance(result.model, PaymentRiskModel)
