"""Fixtures shared by the chat engine tests."""

import pytest


@pytest.fixture
def banking_few_shot():
    """Two banking intents with five variants each: the few-shot case."""
    return {
        "card_lost": [
            "I lost my card",
            "my card was stolen",
            "someone took my card",
            "card missing from my wallet",
            "I can't find my card anywhere",
        ],
        "top_up": [
            "how do I top up",
            "add money to my account",
            "put funds in my balance",
            "top up with a bank transfer",
            "load cash into the app",
        ],
    }
