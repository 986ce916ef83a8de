"""Lab 06's checks pass every correct idiom and catch the plausible mistakes.

Three tasks: temperature sampling, top-k sampling and the generation loop. The samplers
are checked by their distribution, so two more tests bound the chances: a correct sampler
fails a distribution test with probability below ALPHA, and none of the usual wrong
distributions passes every case by luck with probability above ALPHA.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from course_utils.checks import CheckFailed
from course_utils.checks.lab06 import (
    ALPHA,
    DRAWS,
    LOGITS,
    LOGITS_K,
    binomial_pmf,
    check_generate,
    check_sample_top_k,
    check_sample_with_temperature,
    count_ranges,
)
from course_utils.sampling import CharTrigram, entropy_bits, probabilities

from .helpers import failure_message

CHECKS = {"sample_with_temperature": check_sample_with_temperature,
          "sample_top_k": check_sample_top_k, "generate": check_generate}
# The (temperature, k) cases of the distribution tests, as in the checks.
TEMPERATURE_CASES = [(LOGITS, 1.0, None), (LOGITS, 0.5, None), (LOGITS, 2.5, None)]
TOP_K_CASES = [(LOGITS_K, 1.0, 3), (LOGITS_K, 0.5, 3), (LOGITS_K, 2.0, 5),
               (LOGITS_K, 1.0, 8), (LOGITS_K, 2.5, 11)]


def softmax(z):
    p = np.exp(z - np.max(z))
    return p / p.sum()


# Task 1: temperature. Correct idioms first.
def temperature_reference(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))


def temperature_float32(logits, temperature, rng):
    if temperature == 0:
        return np.argmax(logits)
    z = logits / temperature                      # float32 logits stay float32
    p = np.exp(z - z.max())
    p /= p.sum()
    return rng.choice(len(p), p=p)                # a NumPy integer


def temperature_cumsum(logits, temperature, rng):
    if temperature < 1e-12:
        return int(np.argmax(logits))
    cdf = np.cumsum(softmax(logits / temperature))
    return min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(cdf) - 1)


def temperature_power(logits, temperature, rng):
    """p ** (1 / temperature) renormalised: the same distribution as softmax(z / tau)."""
    if temperature == 0:
        return int(np.argmax(logits))
    q = softmax(logits) ** (1 / temperature)
    return int(rng.choice(len(q), p=q / q.sum()))


def temperature_gumbel(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.argmax(logits / temperature + rng.gumbel(size=len(logits))))


def temperature_multinomial(logits, temperature, rng):
    temperature = max(temperature, 1e-12)
    return int(rng.multinomial(1, softmax(np.asarray(logits, float) / temperature)).argmax())


def temperature_arange(logits, temperature, rng):
    if not temperature:
        return logits.argmax()
    z = (logits - logits.max()) / temperature
    weights = np.exp(z)
    return rng.choice(np.arange(logits.size), p=weights / np.sum(weights))


def temperature_zero_d(logits, temperature, rng):
    if temperature == 0:
        return np.asarray(np.argmax(logits))
    return np.asarray(rng.choice(len(logits), p=softmax(logits / temperature)))


def temperature_torch_softmax(logits, temperature, rng):
    import torch

    if temperature == 0:
        return int(np.argmax(logits))
    p = torch.softmax(torch.as_tensor(np.asarray(logits, dtype=np.float64)) / temperature, 0)
    return int(rng.choice(len(logits), p=p.numpy()))


# Task 2: top-k. Correct idioms.
def top_k_argsort(logits, k, temperature, rng):
    top = np.argsort(logits)[::-1][:k]
    return int(top[temperature_reference(logits[top], temperature, rng)])


def top_k_argpartition(logits, k, temperature, rng):
    k = min(k, len(logits))
    top = np.argpartition(logits, -k)[-k:]
    return top[temperature_float32(logits[top], temperature, rng)]


def top_k_threshold(logits, k, temperature, rng):
    kth = np.sort(logits)[-min(k, len(logits))]
    return temperature_reference(np.where(logits >= kth, logits, -np.inf), temperature, rng)


def top_k_large_negative(logits, k, temperature, rng):
    masked = np.full(len(logits), -1e9)
    top = np.argsort(-logits)[:k]
    masked[top] = logits[top]
    return temperature_cumsum(masked, temperature, rng)


def top_k_probabilities(logits, k, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    p = softmax(logits / temperature)
    keep = np.zeros(len(p), dtype=bool)
    keep[np.argsort(p)[-k:]] = True
    p = np.where(keep, p, 0.0)
    return int(rng.choice(len(p), p=p / p.sum()))


def top_k_python(logits, k, temperature, rng):
    top = sorted(range(len(logits)), key=lambda i: logits[i], reverse=True)[:k]
    if temperature == 0:
        return top[0]
    return rng.choice(top, p=softmax(np.array([logits[i] for i in top]) / temperature))


def top_k_scaled_first(logits, k, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    z = logits / temperature
    top = np.argsort(z)[-k:]
    return int(top[temperature_gumbel(z[top], 1.0, rng)])


# Task 3: generate. Correct idioms.
def generate_reference(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    new_ids = []
    for _ in range(n):
        token = sampler(logits, rng)
        new_ids.append(token)
        logits, state = step(token, state)
    return new_ids


def generate_last_prefix_in_loop(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids[:-1]:
        _logits, state = step(token, state)
    token, out = prefix_ids[-1], []
    for _ in range(n):
        logits, state = step(token, state)
        token = sampler(logits, rng)
        out.append(token)
    return out


def generate_no_extra_step(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    out = []
    for i in range(n):
        out.append(sampler(logits=logits, rng=rng))
        if i < n - 1:
            logits, state = step(out[-1], state)
    return out


def generate_array(step, state, prefix_ids, n, sampler, rng):
    ids = list(prefix_ids)
    for token in ids:
        logits, state = step(token, state)
    while len(ids) < len(prefix_ids) + n:
        ids.append(sampler(logits, rng))
        logits, state = step(ids[-1], state)
    return np.array(ids[len(prefix_ids):], dtype=np.int64)


def generate_tuple(step, state, prefix_ids, n, sampler, rng):
    h = state
    for token in prefix_ids:
        logits, h = step(token, h)
    out = ()
    for _ in range(n):
        out += (sampler(logits, rng),)
        logits, h = step(out[-1], h)
    return out


RIGHT = [
    ("sample_with_temperature", f) for f in (
        temperature_reference, temperature_float32, temperature_cumsum, temperature_power,
        temperature_gumbel, temperature_multinomial, temperature_arange, temperature_zero_d,
        temperature_torch_softmax)
] + [
    ("sample_top_k", f) for f in (
        top_k_argsort, top_k_argpartition, top_k_threshold, top_k_large_negative,
        top_k_probabilities, top_k_python, top_k_scaled_first)
] + [
    ("generate", f) for f in (
        generate_reference, generate_last_prefix_in_loop, generate_no_extra_step,
        generate_array, generate_tuple)
]


@pytest.mark.parametrize(("task", "right"), RIGHT, ids=[f"{t}-{f.__name__}" for t, f in RIGHT])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}")


# Plausible mistakes: temperature.
def make_temperature(transform, *, greedy=True, draw=None):
    """A sampler from the probabilities ``transform(logits, temperature)``."""
    def sample(logits, temperature, rng):
        if greedy and temperature == 0:
            return int(np.argmax(logits))
        p = transform(np.asarray(logits, dtype=np.float64), temperature)
        if draw is not None:
            return draw(p, rng)
        return int(rng.choice(len(p), p=p / p.sum()))
    return sample


def exp_normalised(z):
    e = np.exp(z)
    return e / e.sum()


def temperature_in_place(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    logits /= temperature
    return int(rng.choice(len(logits), p=softmax(logits)))


def temperature_global_random(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.random.choice(len(logits), p=softmax(logits / temperature)))


def temperature_own_generator(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.random.default_rng(0).choice(len(logits), p=softmax(logits / temperature)))


def temperature_fresh_generator(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.random.default_rng().choice(len(logits), p=softmax(logits / temperature)))


def temperature_size_one(logits, temperature, rng):
    if temperature == 0:
        return np.array([np.argmax(logits)])
    return rng.choice(len(logits), size=1, p=softmax(logits / temperature))


def temperature_off_by_one(logits, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    cdf = np.cumsum(softmax(logits / temperature))
    return int(np.searchsorted(cdf, rng.random())) + 1


def temperature_uniform(logits, temperature, rng):
    return int(rng.integers(len(logits)))


WRONG_TEMPERATURE = [
    (make_temperature(lambda z, t: exp_normalised(z / t)), "overflows"),
    (make_temperature(lambda z, t: softmax(z * t)), "divide the logits"),
    (make_temperature(lambda z, t: softmax(z)), "whatever the temperature"),
    (make_temperature(lambda z, t: softmax(z) ** t), "divide the logits"),
    (make_temperature(lambda z, t: softmax(z) / t), "whatever the temperature"),
    (make_temperature(lambda z, t: softmax(z - t)), "whatever the temperature"),
    (make_temperature(lambda z, t: softmax(-z / t)), "sign"),
    (make_temperature(lambda z, t: exp_normalised((z - z.min()) / t)), "overflows"),
    (make_temperature(lambda z, t: exp_normalised((z - z.mean()) / t)), "overflows"),
    (make_temperature(lambda z, t: exp_normalised(z / t - z.max())), "overflows"),
    (make_temperature(lambda z, t: softmax(z / t), greedy=False), "greedy"),
    (make_temperature(lambda z, t: softmax(z / t), draw=lambda p, rng: int(np.argmax(p))),
     "argmax"),
    (make_temperature(lambda z, t: softmax(z / t), draw=lambda p, rng: p), "shape (6,)"),
    (make_temperature(lambda z, t: softmax(z / t),
                      draw=lambda p, rng: float(rng.choice(len(p), p=p))), "float"),
    (temperature_in_place, "changed one of its inputs"),
    (temperature_global_random, "np.random"),
    (temperature_own_generator, "different seeds gave the same draws"),
    (temperature_fresh_generator, "same rng gave different draws"),
    (temperature_size_one, "shape (1,)"),
    (temperature_off_by_one, "outside 0 ... 5"),
    (temperature_uniform, "equally often"),
]


# Plausible mistakes: top-k.
def make_top_k(choose=lambda z, k: np.argsort(z)[::-1][:k], *, position=False,
               sampler=temperature_reference):
    def sample_top_k(logits, k, temperature, rng):
        top = np.asarray(choose(logits, k))
        j = sampler(logits[top], temperature, rng)
        return int(j) if position else int(top[j])
    return sample_top_k


def top_k_no_renormalise(logits, k, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    p = softmax(logits / temperature)
    p[np.argsort(p)[:-k]] = 0.0
    return int(rng.choice(len(p), p=p))


def top_k_no_renormalise_cumsum(logits, k, temperature, rng):
    if temperature == 0:
        return int(np.argmax(logits))
    p = softmax(logits / temperature)
    p[np.argsort(p)[:-k]] = 0.0
    return int(np.searchsorted(np.cumsum(p), rng.random()))


def top_k_mask_zero(logits, k, temperature, rng):
    z = np.zeros_like(logits)
    top = np.argsort(logits)[-k:]
    z[top] = logits[top]
    return temperature_reference(z, temperature, rng)


def top_k_in_place(logits, k, temperature, rng):
    logits[np.argsort(logits)[:-k]] = -np.inf
    return temperature_reference(logits, temperature, rng)


def top_k_strict(logits, k, temperature, rng):
    kth = np.sort(logits)[-k]
    return temperature_reference(np.where(logits > kth, logits, -np.inf), temperature, rng)


def top_k_global_random(logits, k, temperature, rng):
    top = np.argsort(logits)[-k:]
    if temperature == 0:
        return int(np.argmax(logits))
    return int(np.random.choice(top, p=softmax(logits[top] / temperature)))


def top_k_uniform(logits, k, temperature, rng):
    return int(rng.choice(np.argsort(logits)[-k:]))


def top_k_size_one(logits, k, temperature, rng):
    top = np.argsort(logits)[-k:]
    if temperature == 0:
        return top[-1:]
    return rng.choice(top, size=1, p=softmax(logits[top] / temperature))


def top_k_partition_unclamped(logits, k, temperature, rng):
    top = np.argpartition(logits, -k)[-k:]
    return int(top[temperature_reference(logits[top], temperature, rng)])


WRONG_TOP_K = [
    (make_top_k(lambda z, k: np.argsort(z)[-(k + 1):]), "ranked 4"),
    (make_top_k(lambda z, k: np.argsort(z)[-k + 1:]), "never drawn"),
    (make_top_k(lambda z, k: np.argsort(z)[:k]), "ranked"),
    (make_top_k(position=True), "positions 0 ... k - 1"),
    (make_top_k(lambda z, k: np.argsort(z)[-k:], position=True), "positions 0 ... k - 1"),
    (make_top_k(lambda z, k: np.arange(len(z))), "ranked 4"),
    (make_top_k(sampler=make_temperature(lambda z, t: softmax(z))),
     "whatever the temperature"),
    (make_top_k(sampler=make_temperature(lambda z, t: softmax(z * t))), "divide the logits"),
    (make_top_k(sampler=make_temperature(lambda z, t: softmax(z / t), greedy=False)),
     "greedy"),
    (make_top_k(sampler=make_temperature(lambda z, t: exp_normalised(z / t))), "overflow"),
    (make_top_k(sampler=temperature_global_random), "np.random"),
    (make_top_k(sampler=lambda z, t, rng: int(np.argmax(z))), "argmax"),
    (top_k_no_renormalise, "renormalise"),
    (top_k_no_renormalise_cumsum, "outside 0 ... 7"),
    (top_k_mask_zero, "ranked"),
    (top_k_in_place, "changed one of its inputs"),
    (top_k_strict, "never drawn"),
    (top_k_global_random, "np.random"),
    (top_k_uniform, "equally often"),
    (top_k_size_one, "shape (1,)"),
    (top_k_partition_unclamped, "min(k, V)"),
]


# Plausible mistakes: generate.
def generate_refeeding(step, state, prefix_ids, n, sampler, rng):
    ids = list(prefix_ids)
    for _ in range(n):
        h = state
        for token in ids:
            logits, h = step(token, h)
        ids.append(sampler(logits, rng))
    return ids[len(prefix_ids):]


def generate_refeeding_carried(step, state, prefix_ids, n, sampler, rng):
    out = []
    for _ in range(n):
        for token in prefix_ids + out[-1:]:
            logits, state = step(token, state)
        out.append(sampler(logits, rng))
    return out


def generate_not_carried(step, state, prefix_ids, n, sampler, rng):
    h = state
    for token in prefix_ids:
        logits, h = step(token, h)
    out = []
    for _ in range(n):
        out.append(sampler(logits, rng))
        logits, _h = step(out[-1], h)
    return out


def generate_prefix_not_carried(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, new_state = step(token, state)
    state = new_state
    out = []
    for _ in range(n):
        out.append(sampler(logits, rng))
        logits, state = step(out[-1], state)
    return out


def generate_from_zeros(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, np.zeros_like(state), prefix_ids, n, sampler, rng)


def generate_with_prefix(step, state, prefix_ids, n, sampler, rng):
    return list(prefix_ids) + generate_reference(step, state, prefix_ids, n, sampler, rng)


def generate_fewer(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, state, prefix_ids, n - 1, sampler, rng)


def generate_more(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, state, prefix_ids, n + 1, sampler, rng)


def generate_argmax(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, state, prefix_ids, n,
                              lambda z, rng: int(np.argmax(z)), rng)


def generate_new_rng(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, state, prefix_ids, n, sampler, np.random.default_rng())


def generate_stale_logits(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    out = []
    for _ in range(n):
        out.append(sampler(logits, rng))
        _logits, state = step(out[-1], state)
    return out


def generate_skips_last_prefix_id(step, state, prefix_ids, n, sampler, rng):
    logits, state = step(prefix_ids[0], state)
    for token in prefix_ids[1:-1]:
        logits, state = step(token, state)
    out = []
    for _ in range(n):
        out.append(sampler(logits, rng))
        logits, state = step(out[-1], state)
    return out


def generate_last_prefix_id_only(step, state, prefix_ids, n, sampler, rng):
    return generate_reference(step, state, prefix_ids[-1:], n, sampler, rng)


def generate_appends_to_prefix(step, state, prefix_ids, n, sampler, rng):
    ids = prefix_ids
    for token in ids:
        logits, state = step(token, state)
    for _ in range(n):
        ids.append(sampler(logits, rng))
        logits, state = step(ids[-1], state)
    return ids[-n:] if n else []


def generate_logits(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    out = []
    for _ in range(n):
        token = sampler(logits, rng)
        out.append(logits)
        logits, state = step(token, state)
    return out


def generate_yields(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    for _ in range(n):
        token = sampler(logits, rng)
        yield token
        logits, state = step(token, state)


def generate_own_draw(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    out = []
    for _ in range(n):
        sampler(logits, rng)
        out.append(int(rng.choice(len(logits), p=softmax(logits))))
        logits, state = step(out[-1], state)
    return out


def generate_state_after_prefix(step, state, prefix_ids, n, sampler, rng):
    for token in prefix_ids:
        logits, state = step(token, state)
    after_prefix, out = state, []
    for _ in range(n):
        out.append(sampler(logits, rng))
        logits, state = step(out[-1], after_prefix)
    return out


WRONG_GENERATE = [
    (generate_refeeding, "the prefix is fed again"),
    (generate_refeeding_carried, "the prefix is fed again"),
    (generate_not_carried, "while generating"),
    (generate_state_after_prefix, "while generating"),
    (generate_prefix_not_carried, "while feeding the prefix"),
    (generate_from_zeros, "received zeros"),
    (generate_with_prefix, "prefix followed by the new ids"),
    (generate_fewer, "n = 9"),
    (generate_more, "n = 9"),
    (generate_argmax, "sampler was never called"),
    (generate_new_rng, "another generator"),
    (generate_stale_logits, "newest logits"),
    (generate_skips_last_prefix_id, "prefix once"),
    (generate_last_prefix_id_only, "prefix once"),
    (generate_appends_to_prefix, "changed one of its inputs"),
    (generate_logits, "list of ints"),
    (generate_yields, "list of ints"),
    (generate_own_draw, "not the ones sampler returned"),
]

WRONG = ([("sample_with_temperature", f, hint) for f, hint in WRONG_TEMPERATURE]
         + [("sample_top_k", f, hint) for f, hint in WRONG_TOP_K]
         + [("generate", f, hint) for f, hint in WRONG_GENERATE])


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _f, _h) in enumerate(WRONG)])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    failure_message(CHECKS[task], task, wrong, hint)


def test_each_task_holds_fifteen_mistakes():
    for task in CHECKS:
        assert sum(t == task for t, _f, _h in WRONG) >= 15


def test_nan_and_wrong_types_are_named():
    def nan(logits, temperature, rng):
        return float("nan")

    with pytest.raises(CheckFailed, match="an int, but it returned float"):
        check_sample_with_temperature(nan)
    with pytest.raises(CheckFailed, match="list of ints"):
        check_generate(lambda *args: None)


# The chances: a correct sampler fails rarely, a wrong one cannot pass by luck.
def test_binomial_ranges_are_exact():
    pmf = binomial_pmf(50, 0.3)
    assert np.isclose(pmf.sum(), 1.0) and np.isclose(pmf @ np.arange(51), 15.0)
    lo, hi = count_ranges(np.array([0.0, 0.3, 0.7]), 50)
    assert (lo[0], hi[0]) == (0, 0) and 0 < lo[1] < 15 < hi[1] < 50


def _outside(p, q, n):
    """P(some count falls outside its range) for draws from q, bounded by the union bound
    (for q = p), and P(every count inside), bounded by the best token (for q != p)."""
    lo, hi = count_ranges(p, n)
    inside = [binomial_pmf(n, q_i)[lo_i: hi_i + 1].sum() for q_i, lo_i, hi_i in zip(
        q, lo, hi, strict=True)]
    return float(np.sum(1 - np.array(inside))), float(np.min(inside))


@pytest.mark.parametrize(("z", "temperature", "k"), TEMPERATURE_CASES + TOP_K_CASES)
def test_a_correct_sampler_fails_with_probability_below_alpha(z, temperature, k):
    p = probabilities(z, temperature, k)
    assert _outside(p, p, DRAWS)[0] < ALPHA


WRONG_DISTRIBUTIONS = {
    "times": lambda z, t, k: probabilities(z * t, 1.0, k),
    "ignored": lambda z, t, k: probabilities(z, 1.0, k),
    "p ** t": lambda z, t, k: probabilities(z, 1 / t, k),
    "uniform": lambda z, t, k: (probabilities(z, 1.0, k) > 0) / min(k or len(z), len(z)),
    "k + 1": lambda z, t, k: probabilities(z, t, k + 1),
    "k - 1": lambda z, t, k: probabilities(z, t, max(k - 1, 1)),
}


@pytest.mark.parametrize("mistake", WRONG_DISTRIBUTIONS)
def test_wrong_distributions_cannot_pass_every_case_by_luck(mistake):
    cases = TOP_K_CASES if mistake.startswith("k") else TEMPERATURE_CASES + TOP_K_CASES
    chances = []
    for z, temperature, k in cases:
        if mistake.startswith("k") and k >= len(z):
            continue
        q = WRONG_DISTRIBUTIONS[mistake](z, temperature, k if k is not None else len(z))
        chances.append(_outside(probabilities(z, temperature, k), q, DRAWS)[1])
    assert min(chances) < ALPHA


# The tiny model of the lab's last part.
def test_char_trigram_is_a_recurrent_model():
    text = "abracadabra, abracadabra"
    model = CharTrigram(text)
    ids = model.encode("abra")
    assert model.decode(ids) == "abra"
    logits, state = model.step(ids[0], None)
    assert np.isclose(np.exp(logits).sum(), 1.0) and state == ids[0]
    after_ab, _state = model.step(ids[1], state)
    assert np.argmax(after_ab) == model.index["r"]            # "ab" is always followed by r
    assert not np.allclose(after_ab, model.step(ids[1], None)[0])   # the state matters
    with pytest.raises(ValueError, match=r"0 \.\.\. "):
        model.step(len(model.chars), None)


def test_probabilities_and_entropy():
    p = probabilities(np.array([1000.0, -1000.0, 999.0]), 1.0)
    assert np.isclose(p.sum(), 1.0) and p[1] == 0
    assert probabilities(LOGITS, 0).tolist() == [0, 0, 0, 1, 0, 0]
    assert np.isclose(entropy_bits(np.full(8, 1 / 8)), 3.0)
    entropies = [entropy_bits(probabilities(LOGITS, t)) for t in (0.2, 0.5, 1.0, 2.0)]
    assert entropies == sorted(entropies)


def test_corpora_are_nfc_and_credited():
    from course_utils.corpora import CORPORA, credit, read_corpus
    from course_utils.i18n import LANGUAGES

    assert set(CORPORA) == set(LANGUAGES)
    text = read_corpus("ru")
    assert unicodedata.is_normalized("NFC", text) and "Пушкин" in text[:100]
    assert all(CORPORA[lang].url in credit(lang) for lang in LANGUAGES)
