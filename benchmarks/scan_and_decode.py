"""Lesson 08's tables: scans against the loop, SSD's three forms, decoding cost, the hybrid.

    python benchmarks/scan_and_decode.py                    # full profile, English
    python benchmarks/scan_and_decode.py --langs en ru zh hi bn
    python benchmarks/scan_and_decode.py --no-training      # sections 1-5 and the decoding table
    COURSE_PROFILE=ci python benchmarks/scan_and_decode.py

Runs the lesson notebook itself (``notebooks/<lang>/08_state_space_models.ipynb``, in a
fresh kernel), so the numbers are the lesson's, and prints: the forward time of the linear
recurrence (float32, batch 2, width 8) for the loop, Hillis-Steele, the chunked and the
log-space scans against T, with the loop's time over each parallel form's; SSD's loop,
quadratic and chunked forms against T; ms and KiB of state per generated token at three
positions for the Transformer, the GRU, the Mamba-2 stack and the hybrid; and, unless
``--no-training``, each model's validation loss after the same wall-clock time, its
training tokens per second and its parameters outside the embedding and output layers.
Set ``COURSE_DATA_DIR`` to read the corpora offline.
"""

from __future__ import annotations

from lesson_runner import lesson_parser, print_lessons, print_machine  # this folder is on sys.path

STEM = "08_state_space_models"
TRAINING_CELLS = frozenset({"s08-43", "s08-44", "s08-45"})


def _timing_rows(title: str, table: dict) -> list[str]:
    lengths = table["T"]
    loop, *forms = [name for name in table if name != "T"]      # the loop comes first
    out = [f"  {title}: T | " + " | ".join(f"{name} ms" for name in (loop, *forms))
           + " | " + " | ".join(f"{loop} / {name}" for name in forms)]
    for i, T in enumerate(lengths):
        out.append(f"  {T} | " + " | ".join(f"{table[name][i]:.2f}" for name in (loop, *forms))
                   + " | " + " | ".join(f"{table[loop][i] / table[name][i]:.1f}" for name in forms))
    return out


def lesson_tables(results: dict, minutes: float) -> list[str]:
    """The printed tables of one language's run of the lesson."""
    lang = results["lang"]
    out = [f"{lang}: {minutes:.1f} min"]
    out += _timing_rows("linear recurrence, float32, batch 2, width 8", results["scan_ms"])
    out += _timing_rows("SSD, float32, batch 2, 4 heads of 16, N = 16", results["ssd_ms"])
    marks = sorted({int(T) for costs in results["decoding"].values() for T in costs})
    out.append("  decoding: model | " + " | ".join(f"ms at t = {T}" for T in marks) + " | "
               + " | ".join(f"KiB at t = {T}" for T in marks))
    for name, costs in results["decoding"].items():
        costs = {int(T): value for T, value in costs.items()}
        out.append(f"  {name} | " + " | ".join(f"{costs[T][0]:.2f}" for T in marks) + " | "
                   + " | ".join(f"{costs[T][1] / 1024:.1f}" for T in marks))
    if "training" in results:
        out.append("  training, same wall-clock time: model | L_val (nats/token) | tokens/s | "
                   "parameters outside embedding and output")
        for name, row in results["training"].items():
            out.append(f"  {name} | {row['loss']:.3f} | {row['speed']:,.0f} | {row['params']:,}")
    return out


def main() -> None:
    parser = lesson_parser(__doc__, ["en"])
    parser.add_argument("--no-training", action="store_true",
                        help="skip section 6's training (the decoding table stays)")
    args = parser.parse_args()
    print_machine()
    skip = TRAINING_CELLS if args.no_training else frozenset()
    print_lessons(STEM, args.langs, args.timeout, args.save, lesson_tables, skip)


if __name__ == "__main__":
    main()
