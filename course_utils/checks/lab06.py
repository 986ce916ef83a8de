"""Checks for lab 06: temperature and top-k sampling from logits, and a generation loop.

A sampler is random, so it is checked by what it draws: many draws with fixed seeds
(the verdict is the same on every run), and for every token its count is compared with
the range of counts that a correct sampler leaves with probability at most
``ALPHA / (2V)`` on each side, computed exactly from the binomial distribution. So a
correct sampler fails one such test with probability below ``ALPHA`` = 1e-6, and a
wrong one (temperature multiplied, top-k off by one, ...) is far outside the ranges; the
tests compute how unlikely a pass by luck is. Then come the edges: temperature 0
(greedy), a tiny temperature, logits near +-1000 and 2000 apart.

The generation loop is run with a recording ``step`` (a small NumPy RNN with fixed
weights and a non-zero initial state) and a recording sampler, so the check sees every id
fed, every state passed and every logit vector sampled from, and compares them with one
run of the RNN over the prefix and the generated ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..i18n import _
from ..sampling import probabilities, run
from .core import call, fail, passed

ALPHA = 1e-6                      # chance that a correct sampler fails one distribution test
DRAWS = 2500
LOGITS = np.array([1.2, -0.4, 0.5, 2.0, -1.5, 0.1])
# Top-k: the three largest (ids 5, 1, 3) are not ids 0, 1, 2; no ties.
LOGITS_K = np.array([-1.0, 0.8, -2.5, 0.3, -0.2, 1.2, -4.0, -0.6])
LOGITS_TIE = np.array([2.0, 1.0, 0.5, 1.0, -1.0, 1.0])   # k = 2: three tied at place 2
LOGITS_WIDE = np.array([1000.0, -1000.0, 999.0, -999.5, 998.5, 0.0])


class _Raised:
    """What a learner's function raised, kept to be explained in context."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        try:
            return fn(*args)
        except NotImplementedError:
            raise
        except Exception as error:
            return _Raised(error)
    return run


def _raised_message(raised: _Raised) -> str:
    return _("the function raised {error}: {message}", error=type(raised.error).__name__,
             message=raised.error)


# Exact binomial ranges: what "within a stated tolerance" means here.
def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(X = c) for c = 0 ... n, X ~ Binomial(n, p)."""
    if p <= 0 or p >= 1:
        pmf = np.zeros(n + 1)
        pmf[n if p >= 1 else 0] = 1.0
        return pmf
    c = np.arange(n + 1)
    log_fact = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1)))))
    return np.exp(log_fact[n] - log_fact[c] - log_fact[n - c] + c * np.log(p)
                  + (n - c) * np.log1p(-p))


def count_ranges(p: np.ndarray, n: int, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Per token, the counts lo ... hi in ``n`` draws outside which a correct sampler lands
    with probability at most ``alpha / (2 V)`` on each side (``alpha`` in all)."""
    tail = alpha / (2 * len(p))
    lo, hi = np.zeros(len(p), dtype=int), np.zeros(len(p), dtype=int)
    for i, p_i in enumerate(p):
        pmf = binomial_pmf(n, float(p_i))
        lo[i] = int(np.sum(np.cumsum(pmf) <= tail))
        hi[i] = int(np.sum(np.cumsum(pmf[::-1])[::-1] > tail)) - 1
    return lo, hi


def _fits(counts: np.ndarray, p: np.ndarray) -> bool:
    lo, hi = count_ranges(p, int(counts.sum()))
    return bool(np.all((lo <= counts) & (counts <= hi)))


# One draw, many draws.
def _index(task: str, value: Any, size: int) -> int:
    """``value`` as a token index in 0 ... size - 1, or a failed check saying what is wrong."""
    if isinstance(value, _Raised):
        fail(task, _raised_message(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.ndarray):
        fail(task, _("it returned an array of shape {shape}; return one index, an int "
                     "(rng.choice(V, p=p) without size=, or int(...)).", shape=value.shape))
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        fail(task, _("it should return one index, an int, but it returned {type}.",
                     type=type(value).__name__))
    if not 0 <= value < size:
        fail(task, _("it returned an index outside 0 ... {last}.", last=size - 1))
    return int(value)


def _draws(task: str, sampler: Callable[..., Any], args: tuple, seed: int, count: int,
           explain: Callable[[Any], str] | None = None) -> np.ndarray:
    """``count`` draws of ``sampler(*args, rng)`` from one ``default_rng(seed)``.

    ``explain(result)``, if given, is the message for a draw that raised or is not an index.
    """
    rng = np.random.default_rng(seed)
    size = len(args[0])
    draws = np.empty(count, dtype=int)
    with np.errstate(all="ignore"):
        for j in range(count):
            result = call(task, _guarded(sampler), *args, rng)
            if isinstance(result, np.ndarray) and result.ndim == 0:
                result = result[()]
            if explain is not None and (isinstance(result, _Raised) or not (
                    isinstance(result, int | np.integer) and 0 <= result < size)):
                message = explain(result)
                if message:
                    fail(task, message)
            draws[j] = _index(task, result, size)
    return draws


def _uses_rng(task: str, sampler: Callable[..., Any], args: tuple,
              explain: Callable[[Any], str] | None = None) -> None:
    """The same seed gives the same draws, another seed other draws; not always the argmax."""
    first = _draws(task, sampler, args, 1, 40, explain)
    if not np.array_equal(first, _draws(task, sampler, args, 1, 40, explain)):
        fail(task, _("two runs with the same rng gave different draws: draw with the rng "
                     "argument, not with np.random."))
    if np.array_equal(first, _draws(task, sampler, args, 2, 40, explain)):
        z = args[0]
        # The argmax whatever the logits (a generator of its own would not follow it).
        if all(_draws(task, sampler, (np.roll(z, r), *args[1:]), 1, 1)[0]
               == np.argmax(np.roll(z, r)) for r in range(len(z))):
            fail(task, _("it always returns the most likely token (the argmax): draw at "
                         "random, with rng, from the distribution."))
        fail(task, _("rngs with different seeds gave the same draws: draw with the rng "
                     "argument (rng.choice, rng.random, ...), not with a generator of your "
                     "own."))


def _expect_distribution(task: str, draws: np.ndarray, p: np.ndarray, where: str,
                         suspects: dict[str, tuple[np.ndarray, Callable[[], str]]]) -> None:
    """Fail unless each token's count lies in its range; name a suspect that fits instead."""
    counts = np.bincount(draws, minlength=len(p))
    if _fits(counts, p):
        return
    for q, hint in suspects.values():
        if _fits(counts, q):
            fail(task, _("{where}: {hint}", where=where, hint=hint()))
    lo, hi = count_ranges(p, len(draws))
    token = int(np.argmax(np.maximum(lo - counts, counts - hi)))
    more = counts[token] > hi[token]
    fail(task, _("{where}: token {token} was drawn {count} times in {n} draws, far {side} "
                 "than its probability allows (a correct sampler fails this test with "
                 "probability below one in a million).", where=where, token=token,
                 count=int(counts[token]), n=len(draws),
                 side=_("more often") if more else _("less often")))


def _temperature_suspects(z: np.ndarray, temperature: float, k: int | None = None) -> dict:
    top = probabilities(z, 1.0, k) > 0
    suspects = {
        "times": (probabilities(z * temperature, 1.0, k),
                  lambda: _("the draws follow softmax(z * temperature): divide the logits "
                            "by the temperature instead.")),
        "ignored": (probabilities(z, 1.0, k),
                    lambda: _("the draws follow softmax(z), whatever the temperature: "
                              "divide the logits by the temperature before the softmax.")),
        "uniform": (top / top.sum(),
                    lambda: _("every allowed token is drawn about equally often: the "
                              "probabilities should come from the logits, by the softmax.")),
    }
    if k is None:
        suspects["negated"] = (probabilities(-z, temperature), lambda: _(
            "the least likely tokens are drawn most often: check the sign in the softmax, "
            "exp(z / temperature)."))
    return suspects


def _greedy(task: str, sampler: Callable[..., Any], args: tuple, z: np.ndarray,
            temperature: float) -> None:
    """At temperature 0 or a tiny one, every draw is the argmax, and nothing overflows."""
    if temperature == 0:
        message = _("temperature 0 stands for greedy decoding: return the index of the "
                    "largest logit (np.argmax), without dividing by 0.")
        explain = lambda _result: message                                   # noqa: E731
    else:
        message = _("at temperature {temperature}, almost all the probability is on the "
                    "largest logit, so every draw should be its index; yours are not.",
                    temperature=f"{temperature:.0e}")

        def explain(result: Any) -> str:
            return _("at temperature {temperature}, the logits divided by the temperature are "
                     "huge and np.exp overflows (inf / inf is NaN) unless you subtract the "
                     "largest logit first. Your function gave: {result}",
                     temperature=f"{temperature:.0e}", result=_raised_message(result)
                     if isinstance(result, _Raised) else repr(result))
    draws = _draws(task, sampler, args, 3, 8, explain)
    if np.any(draws != np.argmax(z)):
        fail(task, message)


def _stable(task: str, sampler: Callable[..., Any], args: tuple, reference: np.ndarray,
            shift: float) -> None:
    """Adding ``shift`` to every logit changes no probability, so no draw either."""
    message = _("with logits near {shift}, the draws change or fail, although adding a "
                "constant to every logit changes no probability: subtract the largest logit "
                "before np.exp, which otherwise overflows.", shift=shift)
    shifted = _draws(task, sampler, (args[0] + shift, *args[1:]), 4, len(reference),
                     lambda _result: message)
    if not np.array_equal(shifted, reference):
        fail(task, message)


def _where(temperature: float, k: int | None = None) -> str:
    if k is None:
        return _("with temperature {temperature}", temperature=temperature)
    return _("with k = {k} and temperature {temperature}", k=k, temperature=temperature)


def check_sample_with_temperature(sample_with_temperature: Callable[..., Any]) -> None:
    """Check ``sample_with_temperature(logits, temperature, rng) -> int``."""
    task = "sample_with_temperature"
    _uses_rng(task, sample_with_temperature, (LOGITS, 1.0))
    for seed, (z, temperature) in enumerate(((LOGITS, 1.0), (LOGITS, 0.5),
                                             (LOGITS.astype(np.float32), 2.5)), 10):
        draws = _draws(task, sample_with_temperature, (z, temperature), seed, DRAWS)
        _expect_distribution(task, draws, probabilities(z, temperature),
                             _where(temperature),
                             _temperature_suspects(z.astype(np.float64), temperature))
    for temperature in (1e-3, 0):
        _greedy(task, sample_with_temperature, (LOGITS, temperature), LOGITS, temperature)
    reference = _draws(task, sample_with_temperature, (LOGITS, 1.0), 4, 100)
    for shift in (1000.0, -1000.0):
        _stable(task, sample_with_temperature, (LOGITS, 1.0), reference, shift)
    wide = _draws(task, sample_with_temperature, (LOGITS_WIDE, 1.0), 5, 500,
                  lambda _result: _("with logits 2000 apart (from -1000 to 1000), the draws "
                                    "fail: subtract the largest logit (not the smallest, "
                                    "not the mean) before np.exp."))
    _expect_distribution(task, wide, probabilities(LOGITS_WIDE), _(
        "with logits from -1000 to 1000"), {})
    passed(task)


# Top-k.
def _ranks(z: np.ndarray) -> np.ndarray:
    """The rank of each token by its logit: 1 for the largest (no ties in the check's z)."""
    ranks = np.empty(len(z), dtype=int)
    ranks[np.argsort(-z, kind="stable")] = np.arange(1, len(z) + 1)
    return ranks


def _top_k_support(task: str, draws: np.ndarray, z: np.ndarray, k: int) -> None:
    """Only the k most likely tokens are drawn, and each of them is."""
    ranks = _ranks(z)
    counts = np.bincount(draws, minlength=len(z))
    drawn = set(np.flatnonzero(counts).tolist())
    top = set(np.flatnonzero(ranks <= k).tolist())
    if drawn <= set(range(k)) and drawn != top and len(drawn) > 1:
        fail(task, _("it returns positions 0 ... k - 1 among the kept tokens (or in sorted "
                     "order), not the tokens' own indices in the vocabulary: map the "
                     "position back, e.g. top[j]."))
    outside = sorted(drawn - top, key=lambda i: ranks[i])
    if outside:
        fail(task, _("the token ranked {rank} by its logit was drawn, but only the k = {k} "
                     "most likely tokens may be drawn.", rank=int(ranks[outside[0]]), k=k))
    missing = sorted(top - drawn, key=lambda i: ranks[i])
    if missing and probabilities(z, 1.0, k)[missing[0]] > 0.05:
        fail(task, _("the token ranked {rank} by its logit was never drawn, although it is "
                     "among the k = {k} most likely: keep exactly k tokens (mind the "
                     "off-by-one).", rank=int(ranks[missing[0]]), k=k))


def _top_k_explain(k: int, size: int) -> Callable[[Any], str]:
    def explain(result: Any) -> str:
        if isinstance(result, _Raised) and "sum to 1" in str(result.error):
            return _("rng.choice says the probabilities do not sum to 1: after cutting the "
                     "tail, divide the kept probabilities by their sum (renormalise).")
        if isinstance(result, _Raised) and k >= size:
            return _("with k = {k} and V = {size} tokens, {problem}. When k >= V, every token "
                     "is kept (use min(k, V)).", k=k, size=size,
                     problem=_raised_message(result))
        return _raised_message(result) if isinstance(result, _Raised) else ""
    return explain


def check_sample_top_k(sample_top_k: Callable[..., Any]) -> None:
    """Check ``sample_top_k(logits, k, temperature, rng) -> int``."""
    task = "sample_top_k"
    V = len(LOGITS_K)
    _uses_rng(task, sample_top_k, (LOGITS_K, 3, 1.0), _top_k_explain(3, V))
    cases = ((LOGITS_K, 3, 1.0), (LOGITS_K.astype(np.float32), 3, 0.5), (LOGITS_K, 5, 2.0),
             (LOGITS_K, V, 1.0), (LOGITS_K, V + 3, 2.5))
    for seed, (z, k, temperature) in enumerate(cases, 20):
        draws = _draws(task, sample_top_k, (z, k, temperature), seed, DRAWS,
                       _top_k_explain(k, V))
        _top_k_support(task, draws, z, k)
        _expect_distribution(task, draws, probabilities(z, temperature, k),
                             _where(temperature, k),
                             _temperature_suspects(z.astype(np.float64), temperature, k))
    if np.any(_draws(task, sample_top_k, (LOGITS_K, 1, 1.0), 3, 8) != np.argmax(LOGITS_K)):
        fail(task, _("with k = 1, every draw should be the most likely token."))
    _greedy(task, sample_top_k, (LOGITS_K, 3, 0), LOGITS_K, 0)
    ties = np.bincount(_draws(task, sample_top_k, (LOGITS_TIE, 2, 1.0), 6, 200), minlength=6)
    if ties[[2, 4]].any():
        fail(task, _("with k = 2 and logits 2.0, 1.0, 0.5, 1.0, -1.0, 1.0, a token with a "
                     "logit below 1.0 was drawn."))
    if not (ties[0] and ties[[1, 3, 5]].any()):
        fail(task, _("with k = 2 and logits 2.0, 1.0, 0.5, 1.0, -1.0, 1.0 (a tie at the "
                     "second place), the draws should include token 0 and at least one of "
                     "the tied tokens 1, 3, 5: keep at least k tokens."))
    reference = _draws(task, sample_top_k, (LOGITS_K, 3, 1.0), 4, 100)
    for shift in (1000.0, -1000.0):
        _stable(task, sample_top_k, (LOGITS_K, 3, 1.0), reference, shift)
    passed(task)


# The generation loop.
V_RNN, H_RNN = 7, 4


def reference_rnn() -> tuple[Callable[..., tuple], np.ndarray]:
    """A tanh RNN with fixed weights, as ``step(token_id, h) -> (logits, h_new)``, and its
    non-zero initial state h0."""
    rng = np.random.default_rng(606)
    W_xh = rng.normal(0, 1.0, (H_RNN, V_RNN))
    W_hh = rng.normal(0, 0.8, (H_RNN, H_RNN))
    W_hy = rng.normal(0, 1.5, (V_RNN, H_RNN))
    b_y = rng.normal(0, 0.5, V_RNN)
    h0 = rng.normal(0, 0.5, H_RNN)

    def step(token_id: int, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(token_id, bool) or not isinstance(token_id, int | np.integer) or not (
                0 <= token_id < V_RNN):
            raise ValueError(_("step got the token id {id!r}; it takes one int in "
                               "0 ... {last}.", id=token_id, last=V_RNN - 1))
        h_new = np.tanh(W_xh[:, int(token_id)] + W_hh @ np.asarray(h))
        return W_hy @ h_new + b_y, h_new

    return step, h0


class _Recording:
    """A step function and a sampler that record how the learner's loop calls them."""

    def __init__(self) -> None:
        self.rnn, self.h0 = reference_rnn()
        self.fed: list[int] = []
        self.received: list[np.ndarray] = []
        self.returned: list[np.ndarray] = []
        self.sampled_from: list[np.ndarray] = []
        self.rngs: list[Any] = []
        self.drawn: list[int] = []

        def step(token_id: int, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            self.received.append(np.array(state, dtype=np.float64, copy=True))
            logits, h_new = self.rnn(token_id, state)
            self.fed.append(int(token_id))
            self.returned.append(h_new.copy())
            return logits, h_new

        def sampler(logits: np.ndarray, rng: np.random.Generator) -> int:
            self.sampled_from.append(np.array(logits, dtype=np.float64, copy=True))
            self.rngs.append(rng)
            token = int(rng.integers(V_RNN))
            self.drawn.append(token)
            return token

        self.step, self.sampler = step, sampler


def _ids(task: str, result: Any, n: int, prefix: Sequence[int]) -> list[int]:
    if isinstance(result, np.ndarray) and result.ndim == 1:
        result = result.tolist()
    if not isinstance(result, list | tuple):
        fail(task, _("it should return a list of ints (the new ids), but it returned {type}.",
                     type=type(result).__name__))
    for item in result:
        if isinstance(item, bool) or not isinstance(item, int | np.integer):
            fail(task, _("it should return a list of ints (the new ids), but the list holds "
                         "{type} items.", type=type(item).__name__))
    result = [int(i) for i in result]
    if len(result) == len(prefix) + n and result[: len(prefix)] == list(prefix) and n:
        fail(task, _("it returned the prefix followed by the new ids: return only the n new "
                     "ids."))
    if len(result) != n:
        fail(task, _("it returned {got} ids, but n = {n} new ids were asked for.",
                     got=len(result), n=n))
    return result


def _run_generate(task: str, generate: Callable[..., Any], prefix: list[int], n: int,
                  seed: int) -> tuple[list[int], _Recording, np.random.Generator]:
    record = _Recording()
    rng = np.random.default_rng(seed)
    result = call(task, generate, record.step, record.h0, prefix, n, record.sampler, rng)
    return _ids(task, result, n, prefix), record, rng


def _expect_loop(task: str, ids: list[int], record: _Recording, rng: Any,
                 prefix: list[int]) -> None:
    n = len(ids)
    if n and not record.drawn:
        fail(task, _("sampler was never called: choose each new id with sampler(logits, "
                     "rng)."))
    if any(r is not rng for r in record.rngs):
        fail(task, _("sampler received another generator than rng: pass on the rng you were "
                     "given, so that the same seed gives the same text."))
    if ids != record.drawn[:n] or len(record.drawn) != n:
        fail(task, _("the ids returned are not the ones sampler returned, one call per new "
                     "id, in order."))
    fed, wanted = record.fed, prefix + ids
    if len(fed) > len(wanted) and fed[len(prefix): 2 * len(prefix)] == prefix:
        fail(task, _("step was called {calls} times for a prefix of {p} ids and {n} new ones: "
                     "the prefix is fed again. Feed it once, then only each new id: the "
                     "state carries the rest.", calls=len(fed), p=len(prefix), n=n))
    if fed not in (wanted, wanted[:-1]):
        fail(task, _("step should receive the ids of the prefix once, in order, then each "
                     "new id once, right after it is drawn."))
    _expect_carried(task, record, prefix)
    logits, _state = run(record.rnn, record.h0, wanted)
    for j, z in enumerate(record.sampled_from):
        if not np.allclose(z, logits[len(prefix) - 1 + j], rtol=1e-12, atol=1e-12):
            fail(task, _("new id {j} was drawn from logits that are not those step returned "
                         "for the last id fed: sample from the newest logits.", j=j))


def _expect_carried(task: str, record: _Recording, prefix: list[int]) -> None:
    """Call i of step received the state that call i - 1 returned (h0 for the first)."""
    if not np.allclose(record.received[0], record.h0, rtol=0, atol=1e-15):
        if not record.received[0].any():
            fail(task, _("the first call of step received zeros: start from the state you "
                         "were given, not from a new one."))
        fail(task, _("the first call of step did not receive the state you were given."))
    for i in range(1, len(record.received)):
        if not np.allclose(record.received[i], record.returned[i - 1], rtol=0, atol=1e-15):
            if i < len(prefix):
                fail(task, _("while feeding the prefix, step did not receive the state that "
                             "the previous call returned: carry the new state from each "
                             "call to the next."))
            fail(task, _("while generating, step did not receive the state that the "
                         "previous call returned: carry the new state from each call to the "
                         "next, through the whole loop."))


def check_generate(generate: Callable[..., Any]) -> None:
    """Check ``generate(step, state, prefix_ids, n, sampler, rng) -> list[int]``."""
    task = "generate"
    for prefix, n, seed in (([3, 1, 4, 1, 5], 9, 30), ([2], 1, 31), ([6, 0], 0, 32)):
        ids, record, rng = _run_generate(task, generate, prefix, n, seed)
        if n:
            _expect_loop(task, ids, record, rng, prefix)
        again, _record, _rng = _run_generate(task, generate, prefix, n, seed)
        if again != ids:
            fail(task, _("two runs with the same seed gave different ids: all randomness "
                         "must come from rng, through sampler."))
    passed(task)
