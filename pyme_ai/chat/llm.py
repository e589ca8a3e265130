"""Optional generative phrasing of FAQ answers (off by default).

An OpenAI-compatible ``/chat/completions`` endpoint may rephrase the answer the FAQ
model matched, to sound natural in the visitor's language. It never decides *what* to
answer: the intent and its stored answer come from the local model, the system prompt
forbids adding facts, and ``guard`` rejects any reply that mentions a number, price or
currency absent from the stored answer. Whenever the backend is off, fails or is
rejected, ``phrase_answer`` returns the stored answer unchanged. ``requests`` is
imported only when a call is made (``pip install pyme-ai[llm]``).
"""

from __future__ import annotations

import re
import time

from ..base import PymeAiError
from .text import fold

SYSTEM_PROMPT = (
    "You rewrite a business's FAQ answer for a visitor of its website. Use only the "
    "information in the given answer. Never add prices, numbers, dates, times, phone "
    "numbers, addresses, links, discounts or promises that are not in it. If the "
    "answer does not fit the question, return it unchanged. Reply in {language}, in "
    "one or two short friendly sentences, without greetings or signatures."
)
LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_CURRENCY = re.compile(
    r"[€$£¥]|\b(?:eur|euros?|usd|dolar(?:es)?|dollars?|pesos?|libras?|pounds?|cents?|"
    r"centimos?)\b"
)
_NUMBER_WORDS = frozenset(
    """
    dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte treinta
    cuarenta cincuenta cien ciento cientos mil millon millones
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty hundred thousand million
    """.split()
)


class LLMError(PymeAiError):
    """The generative backend could not produce a reply."""


def _numbers(text):
    """Numbers in ``text``, each as its digit groups (``"9,99"`` -> ``("9", "99")``)."""
    return {tuple(re.split(r"[.,:]", n)) for n in _NUMBER.findall(text)}


def guard(generated, source):
    """``None`` when ``generated`` adds no number, price or currency to ``source``;
    otherwise the reason for rejecting it."""
    if not generated or not generated.strip():
        return "empty reply"
    gen, src = fold(generated), fold(source)
    src_numbers = _numbers(src)
    src_digits = {"".join(n) for n in src_numbers} | {g for n in src_numbers for g in n}
    for number in _numbers(gen):
        if number not in src_numbers and "".join(number) not in src_digits:
            return f"number {'.'.join(number)!r} is not in the FAQ answer"
    currencies = set(_CURRENCY.findall(gen)) - set(_CURRENCY.findall(src))
    if currencies:
        return f"currency {sorted(currencies)[0]!r} is not in the FAQ answer"
    words = set(re.findall(r"[a-z]+", gen)) & _NUMBER_WORDS
    extra = words - set(re.findall(r"[a-z]+", src))
    if extra:
        return f"number word {sorted(extra)[0]!r} is not in the FAQ answer"
    if len(generated) > 3 * len(source) + 200:
        return "reply is much longer than the FAQ answer"
    return None


class LLMClient:
    """Minimal OpenAI-compatible chat-completions client.

    ``base_url`` is the API root (``https://host/v1``); ``timeout`` is per attempt (s);
    5xx, 429, timeouts and connection errors are retried ``max_retries`` times with
    exponential ``backoff`` seconds; any other failure raises ``LLMError`` at once.
    """

    def __init__(
        self,
        base_url,
        model,
        api_key=None,
        *,
        timeout=10.0,
        max_retries=2,
        backoff=0.5,
        temperature=0.2,
        max_tokens=300,
    ):
        if not base_url or not model:
            raise PymeAiError("an LLM backend needs a base URL and a model name")
        if timeout <= 0 or max_retries < 0 or max_retries > 5:
            raise PymeAiError("timeout must be > 0 and max_retries between 0 and 5")
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.backoff = float(backoff)
        self.temperature = temperature
        self.max_tokens = max_tokens

    def chat(self, messages):
        """The assistant's reply text for ``messages`` (list of role/content dicts)."""
        try:
            import requests
        except ImportError:
            raise LLMError(
                "the LLM backend needs the optional 'requests' package "
                "(pip install pyme-ai[llm])"
            ) from None
        payload = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last = "no attempt made"
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = requests.post(
                    self.url, json=payload, headers=headers, timeout=self.timeout
                )
            except requests.Timeout:
                last = f"timed out after {self.timeout:g} s"
                continue
            except requests.ConnectionError as exc:
                last = f"connection failed ({type(exc).__name__})"
                continue
            except requests.RequestException as exc:
                raise LLMError(f"LLM request failed: {exc}") from None
            if response.status_code >= 500 or response.status_code == 429:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise LLMError(
                    f"LLM endpoint answered HTTP {response.status_code}: "
                    f"{response.text[:200]}"
                )
            return _reply_text(response)
        raise LLMError(
            f"LLM endpoint failed after {self.max_retries + 1} attempts: {last}"
        )


def _reply_text(response):
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError("LLM endpoint returned an unexpected response") from None
    if not isinstance(content, str):
        raise LLMError("LLM endpoint returned no text")
    return content.strip()


def build_messages(question, answer, lang="es"):
    language = LANGUAGE_NAMES.get(lang, "the visitor's language")
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=language)},
        {
            "role": "user",
            "content": f"Visitor's question: {question}\nFAQ answer: {answer}",
        },
    ]


def phrase_answer(question, answer, *, client=None, lang="es"):
    """The stored ``answer``, rephrased by ``client`` when one is given and it behaves.

    Returns ``{"text", "source": "llm" | "local", "reason": None | why local}``.
    """
    if client is None:
        return {
            "text": answer,
            "source": "local",
            "reason": "generative backend disabled",
        }
    try:
        reply = client.chat(build_messages(question, answer, lang))
    except LLMError as exc:
        return {"text": answer, "source": "local", "reason": str(exc)}
    problem = guard(reply, answer)
    if problem:
        return {
            "text": answer,
            "source": "local",
            "reason": f"reply rejected: {problem}",
        }
    return {"text": reply, "source": "llm", "reason": None}
