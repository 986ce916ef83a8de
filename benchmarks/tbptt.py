"""Lesson 07's tables: truncated BPTT per language, the k-sweep, sampling, Keras vs PyTorch.

    python benchmarks/tbptt.py                       # full profile, lesson 07 in all languages
    python benchmarks/tbptt.py --langs en ru
    python benchmarks/tbptt.py --no-sweep --langs zh     # the lesson without section 7
    python benchmarks/tbptt.py --frameworks --langs en   # lesson 06's GRU in Keras and PyTorch
    COURSE_PROFILE=ci python benchmarks/tbptt.py --langs en

Runs the lesson notebook itself (``notebooks/<lang>/07_tbptt_sampling.ipynb``, in a fresh
kernel), so the numbers are the lesson's, and prints for each language: the validation loss
of the main LSTM (nats per token, bits per grapheme), its minutes and ms per step; the
k-sweep (validation loss carried over seeds as mean [min, max], reset, activation MiB and
ms per step); chunks of random length; the sampling measures.

``--frameworks`` trains lesson 06's model (Embedding 128 -> GRU 384 -> Dropout 0.25 ->
Dense, windows of 100 tokens in batches of 32, Adam 3e-3 with a cosine to 5%, each
gradient clipped to norm 1) in Keras 3 and in PyTorch on the same windows for the same
number of epochs, and the same PyTorch GRU with truncated BPTT (k = 100, 32 streams, state
carried): validation loss read in windows from a zero state (lesson 06's way) and with the
state carried (lesson 07's way), and ms per training step. Set ``COURSE_DATA_DIR`` to read
the corpora offline.
"""

from __future__ import annotations

import math
import time

import numpy as np
from lesson_runner import (  # the folder of this script is on sys.path
    LANGS,
    lesson_parser,
    print_lessons,
    print_machine,
)

from course_utils import pick, set_language
from course_utils.char_tokens import CharTokens
from course_utils.corpora import read_corpus

STEM = "07_tbptt_sampling"
SWEEP_CELLS = frozenset({"s07-24", "s07-25", "s07-26a", "s07-27", "s07-28a"})
T, BATCH, UNITS, EMBED, DROPOUT, LR = 100, 32, 384, 128, 0.25, 3e-3


def lesson_tables(results: dict, minutes: float) -> list[str]:
    """The printed tables of one language's run of the lesson."""
    lang = results["lang"]
    out = [f"{lang} | {results['loss_main']:.3f} | {results['bits_main']:.3f} | "
           f"{results['minutes_main']:.1f} | {results['ms_main']:.0f} | {minutes:.1f}"]
    out.append(f"  {lang} k-sweep: k | B | L carry mean [min, max] | L reset | MiB | ms/step | "
               "MiB at B = 32")
    for k, row in results.get("sweep", {}).items():
        carry = row["carry"]
        out.append(f"  {k} | {row['B']} | {np.mean(carry):.3f} "
                   f"[{min(carry):.3f}, {max(carry):.3f}] | "
                   f"{row['reset']:.3f} | {row['mib']:.1f} | {row['ms']:.0f} | {row['mib32']:.1f}")
    rnd = results.get("random_length")
    if rnd:
        out.append(f"  {lang} k = {rnd['k']}: fixed {np.mean(rnd['fixed']):.3f} "
                   f"[{min(rnd['fixed']):.3f}, {max(rnd['fixed']):.3f}], random length "
                   f"{np.mean(rnd['random']):.3f} "
                   f"[{min(rnd['random']):.3f}, {max(rnd['random']):.3f}]")
    out.append(f"  {lang} sampling: rule | d2 | d3 | r10 | log-lik | realness")
    for name, row in results["sampling"].items():
        out.append(f"  {name} | {row['d2']:.2f} | {row['d3']:.2f} | {row['r10']:.2f} | "
                   f"{row['ll']:.2f} | {row['w']:.2f}")
    return out


def frameworks(lang: str, epochs: int) -> list[str]:
    """Lesson 06's GRU in Keras and in PyTorch (windows, then TBPTT): table rows."""
    set_language(lang)
    text = read_corpus(lang)
    text = text[: pick(ci=60_000, full=len(text))]
    cut = text.rindex("\n", 0, int(0.9 * len(text))) + 1
    tokens = CharTokens(text[:cut], "code points")
    train = tokens.encode(text[:cut]).astype(np.int64)
    val = tokens.encode(text[cut:]).astype(np.int64)
    rows = [keras_windows(train, val, len(tokens), epochs)]
    rows += torch_runs(train, val, len(tokens), epochs)
    return [f"{lang} | {name} | {windowed:.3f} | {carried} | {ms:.0f}"
            for name, windowed, carried, ms in rows]


def _windows(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = (len(ids) - 1) // T
    return ids[: m * T].reshape(m, T), ids[1 : m * T + 1].reshape(m, T)


def keras_windows(train: np.ndarray, val: np.ndarray, V: int, epochs: int) -> tuple:
    """Lesson 06's Keras GRU on shuffled windows: (name, windowed loss, '', ms per step)."""
    from course_utils.keras_env import use_keras

    keras = use_keras()
    keras.utils.set_random_seed(0)
    x, y = _windows(train)
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = keras.layers.Embedding(V, EMBED)(inputs)
    h = keras.layers.GRU(UNITS, return_sequences=True)(h)
    logits = keras.layers.Dense(V)(keras.layers.Dropout(DROPOUT)(h))
    model = keras.Model(inputs, logits)
    steps = epochs * math.ceil(len(x) / BATCH)
    schedule = keras.optimizers.schedules.CosineDecay(LR, steps, alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(schedule, clipnorm=1.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0)
    ms = 1000 * (time.perf_counter() - start) / steps
    vx, vy = _windows(val)
    return "Keras GRU, windows", float(model.evaluate(vx, vy, batch_size=BATCH, verbose=0)), "", ms


def torch_runs(train: np.ndarray, val: np.ndarray, V: int, epochs: int) -> list[tuple]:
    """The same GRU in PyTorch: on shuffled windows, then with truncated BPTT."""
    import torch
    from torch import nn

    from course_utils.device import get_device

    device = get_device()

    class GRU(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(V, EMBED)
            self.gru = nn.GRU(EMBED, UNITS, batch_first=True)
            self.drop = nn.Dropout(DROPOUT)
            self.head = nn.Linear(UNITS, V)

        def forward(self, x, state=None):
            y, state = self.gru(self.embed(x), state)
            return self.head(self.drop(y)), state

    def loss_of(model, x, y, state):
        logits, state = model(torch.as_tensor(x).to(device), state)
        target = torch.as_tensor(y).to(device).flatten()
        return nn.functional.cross_entropy(logits.flatten(0, 1), target), state

    @torch.no_grad()
    def windowed(model) -> float:
        model.eval()
        vx, vy = _windows(val)
        total = sum(loss_of(model, vx[i : i + BATCH], vy[i : i + BATCH], None)[0].item()
                    * len(vx[i : i + BATCH]) for i in range(0, len(vx), BATCH))
        return total / len(vx)

    @torch.no_grad()
    def carried(model) -> float:
        model.eval()
        n = (len(val) - 1) // 16
        vx, vy = val[: 16 * n].reshape(16, n), val[1 : 16 * n + 1].reshape(16, n)
        state, total = None, 0.0
        for s in range(0, n, 256):
            loss, state = loss_of(model, vx[:, s : s + 256], vy[:, s : s + 256], state)
            total += loss.item() * vx[:, s : s + 256].size
        return total / vx.size

    def fit(batches) -> tuple:
        torch.manual_seed(0)
        model = GRU().to(device)
        batches = list(batches)
        optimizer = torch.optim.Adam(model.parameters(), lr=LR)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 0.05 + 0.95 * 0.5 * (
            1 + math.cos(math.pi * min(s, len(batches)) / len(batches))))
        start, state = time.perf_counter(), None
        for x, y, carry in batches:
            loss, state = loss_of(model, x, y, state if carry else None)
            optimizer.zero_grad()
            loss.backward()
            for p in model.parameters():           # Keras' clipnorm: each tensor on its own
                nn.utils.clip_grad_norm_([p], 1.0)
            optimizer.step()
            schedule.step()
            state = state.detach()
        return model, 1000 * (time.perf_counter() - start) / len(batches)

    rng = np.random.default_rng(0)
    x, y = _windows(train)
    shuffled = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        shuffled += [(x[order[i : i + BATCH]], y[order[i : i + BATCH]], False)
                     for i in range(0, len(x), BATCH)]
    n = (len(train) - 1) // BATCH
    sx, sy = train[: BATCH * n].reshape(BATCH, n), train[1 : BATCH * n + 1].reshape(BATCH, n)
    streams = []
    for _ in range(epochs):
        streams += [(sx[:, s : s + T], sy[:, s : s + T], s > 0) for s in range(0, n - T + 1, T)]
    rows = []
    for name, batches in [("PyTorch GRU, windows", shuffled),
                          ("PyTorch GRU, TBPTT k = 100", streams)]:
        model, ms = fit(batches)
        rows.append((name, windowed(model), f"{carried(model):.3f}", ms))
    return rows


def main() -> None:
    parser = lesson_parser(__doc__, list(LANGS))
    parser.add_argument("--frameworks", action="store_true",
                        help="lesson 06's GRU in Keras and PyTorch instead of the lesson")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of --frameworks")
    parser.add_argument("--no-sweep", action="store_true",
                        help="leave out the k-sweep of section 7 (the longest part)")
    args = parser.parse_args()
    print_machine()
    if args.frameworks:
        print("lang | model | L_val windows | L_val carried | ms/step")
        for lang in args.langs:
            for row in frameworks(lang, args.epochs):
                print(row, flush=True)
        return
    print("lang | L_val nats/token | bits/grapheme | train min | ms/step | notebook min")
    print_lessons(STEM, args.langs, args.timeout, args.save, lesson_tables,
                  SWEEP_CELLS if args.no_sweep else frozenset())


if __name__ == "__main__":
    main()
