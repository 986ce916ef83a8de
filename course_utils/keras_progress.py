"""A progress display for ``model.fit`` that prints symbols and numbers only.

Keras' own display (``verbose=1`` or ``2``) writes English words ("Epoch", "step",
"loss") that no catalog translates. :class:`EpochLine` shows a bar over the batches
of each epoch (tqdm, removed when the epoch ends) and then one line per epoch:
``e = 1/4 | L_train = 0.412 | acc_train = 0.853 | L_val = 0.351 | acc_val = 0.861 |
t = 41 s``.
"""

from __future__ import annotations

import time
from typing import Any

from .keras_env import use_keras

keras = use_keras()

# Keras' log keys -> the symbols printed, in this order; other keys are not printed.
SYMBOLS = {"loss": "L_train", "accuracy": "acc_train", "val_loss": "L_val",
           "val_accuracy": "acc_val"}


class EpochLine(keras.callbacks.Callback):
    """One line of numbers per epoch, and a bar over its batches when ``bar`` is true."""

    def __init__(self, bar: bool = True) -> None:
        super().__init__()
        self.bar = bar
        self._tqdm: Any = None
        self.seconds: list[float] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epochs = self.params.get("epochs")
        self.seconds = []

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        if self.bar:
            from tqdm.auto import tqdm

            self._tqdm = tqdm(total=self.params.get("steps"), desc=f"{epoch + 1}/{self.epochs}",
                              leave=False)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._tqdm is not None:
            self._tqdm.update(1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        fields = [f"e = {epoch + 1}/{self.epochs}"]
        logs = logs or {}
        fields += [f"{symbol} = {logs[key]:.3f}" for key, symbol in SYMBOLS.items() if key in logs]
        fields.append(f"t = {self.seconds[-1]:.0f} s")
        print(" | ".join(fields))
