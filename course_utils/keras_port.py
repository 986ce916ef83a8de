"""PyTorch recurrent weights in Keras 3 layers (lesson 05; a reference for lab 05).

Both frameworks compute the same cells; they store the weights differently:

=========  =========================  ==============================  =======================
layer      PyTorch                    Keras 3                         gate order
=========  =========================  ==============================  =======================
LSTM       ``weight_ih (4H, D)``,     ``kernel (D, 4H)``,             i, f, g, o in both
           ``weight_hh (4H, H)``,     ``recurrent_kernel (H, 4H)``,
           ``bias_ih``, ``bias_hh``   ``bias (4H,)`` = their sum
GRU        ``weight_ih (3H, D)``,     ``kernel (D, 3H)``,             r, z, n in PyTorch;
           ``weight_hh (3H, H)``,     ``recurrent_kernel (H, 3H)``,   z, r, h in Keras
           ``bias_ih``, ``bias_hh``   ``bias (2, 3H)`` (input row,
                                      recurrent row; reset_after)
=========  =========================  ==============================  =======================

Each ``torch_*_to_keras`` returns the list that the Keras layer's ``set_weights`` takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from torch import nn

from .i18n import _

if TYPE_CHECKING:
    from .sentiment import SentimentRNN


class PortError(ValueError):
    """A PyTorch module that has no equivalent Keras layer of the kind asked for."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message says what to change.
        return [str(self)]


def _array(tensor: Any) -> np.ndarray:
    """A NumPy copy of a parameter, in its own dtype."""
    return tensor.detach().cpu().numpy().copy()


def _check(module: Any, kind: type[nn.Module]) -> None:
    """Raise :class:`PortError` unless ``module`` is one layer of ``kind``, one way, with biases."""
    name = kind.__name__
    if not isinstance(module, kind):
        raise PortError(_("Expected a torch.nn.{expected}, got {got}.",
                          expected=name, got=type(module).__name__))
    if module.bidirectional:
        raise PortError(_("This {name} is bidirectional: port each direction as its own "
                          "layer (Keras: Bidirectional).", name=name))
    if module.num_layers != 1:
        raise PortError(_("This {name} has {layers} layers and the port takes one: "
                          "build one {name} per layer, in both frameworks.",
                          name=name, layers=module.num_layers))
    if not module.bias:
        raise PortError(_("This {name} was built with bias=False: build the Keras layer "
                          "with use_bias=False and copy the two kernels only.", name=name))
    if getattr(module, "proj_size", 0):
        raise PortError(_("This LSTM has proj_size > 0, which Keras' LSTM does not have."))


def _zrh(rzn: np.ndarray) -> np.ndarray:
    """PyTorch's GRU blocks (r, z, n along axis 0) in Keras' order (z, r, h)."""
    r, z, n = np.split(rzn, 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def torch_gru_to_keras(gru: nn.GRU) -> list[np.ndarray]:
    """``[kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)]`` for
    ``keras.layers.GRU(H, reset_after=True)``: blocks reordered r, z, n -> z, r, h, transposed."""
    _check(gru, nn.GRU)
    return [_zrh(_array(gru.weight_ih_l0)).T, _zrh(_array(gru.weight_hh_l0)).T,
            np.stack([_zrh(_array(gru.bias_ih_l0)), _zrh(_array(gru.bias_hh_l0))])]


def torch_lstm_to_keras(lstm: nn.LSTM) -> list[np.ndarray]:
    """``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]`` for ``keras.layers.LSTM(H)``:
    transposed, the two biases summed (gate order i, f, g, o in both)."""
    _check(lstm, nn.LSTM)
    return [_array(lstm.weight_ih_l0).T, _array(lstm.weight_hh_l0).T,
            _array(lstm.bias_ih_l0) + _array(lstm.bias_hh_l0)]


def torch_rnn_to_keras(rnn: nn.RNN) -> list[np.ndarray]:
    """``[kernel (D, H), recurrent_kernel (H, H), bias (H,)]`` for ``keras.layers.SimpleRNN(H)``."""
    _check(rnn, nn.RNN)
    if rnn.nonlinearity != "tanh":
        raise PortError(_("This RNN uses {got}: build the Keras SimpleRNN with "
                          "activation={got!r}.", got=rnn.nonlinearity))
    return [_array(rnn.weight_ih_l0).T, _array(rnn.weight_hh_l0).T,
            _array(rnn.bias_ih_l0) + _array(rnn.bias_hh_l0)]


def sentiment_rnn_to_keras(model: SentimentRNN, *, dtype: str | None = None) -> Any:
    """Lesson 04's ``SentimentRNN`` (one recurrent layer) as a Keras model, weights copied.

    The Keras model maps padded token ids (N, T), padding 0 on the right, to logits (N, 1):
    ``Embedding(mask_zero=True)`` -> dropout -> ``SimpleRNN``/``LSTM``/``GRU`` (the state
    after each review's last real token, as the mask carries it over the padding; in a
    ``Bidirectional`` wrapper if the model reads both ways) -> dropout -> ``Dense(1)``.
    ``dtype`` (e.g. ``"float64"``) sets every layer's dtype.
    """
    from .keras_env import use_keras

    keras = use_keras()
    kinds = {nn.LSTM: (keras.layers.LSTM, torch_lstm_to_keras, {}),
             nn.GRU: (keras.layers.GRU, torch_gru_to_keras, {"reset_after": True}),
             nn.RNN: (keras.layers.SimpleRNN, torch_rnn_to_keras, {})}
    rnn, back, embed, out = (getattr(model, name, None)
                             for name in ("rnn", "rnn_back", "embed", "out"))
    if type(rnn) not in kinds or (back is not None and type(back) is not type(rnn)) or \
            not isinstance(embed, nn.Embedding) or not isinstance(out, nn.Linear):
        raise PortError(_("Expected lesson 04's SentimentRNN (embed, rnn, out), got {got}.",
                          got=type(model).__name__))
    if embed.padding_idx != 0:
        raise PortError(_("The embedding's padding index is {index}: Keras' mask_zero "
                          "masks index 0 only.", index=embed.padding_idx))
    layer, port, options = kinds[type(rnn)]
    weights = [port(rnn)] + ([] if back is None else [port(back)])   # checks each module
    rate = model.dropout.p if isinstance(getattr(model, "dropout", None), nn.Dropout) else 0.0

    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    embedding = keras.layers.Embedding(embed.num_embeddings, embed.embedding_dim,
                                       mask_zero=True, dtype=dtype)
    recurrent = layer(rnn.hidden_size, dtype=dtype, **options)
    if back is not None:            # the backward layer reads the real tokens last to first
        recurrent = keras.layers.Bidirectional(
            recurrent, backward_layer=layer(rnn.hidden_size, go_backwards=True, dtype=dtype,
                                            **options), dtype=dtype)
    dense = keras.layers.Dense(1, dtype=dtype)
    x = keras.layers.Dropout(rate, dtype=dtype)(embedding(ids))
    x = keras.layers.Dropout(rate, dtype=dtype)(recurrent(x))
    keras_model = keras.Model(ids, dense(x), name=f"sentiment_{type(rnn).__name__.lower()}")
    embedding.set_weights([_array(embed.weight)])
    layers = [recurrent] if back is None else [recurrent.forward_layer, recurrent.backward_layer]
    for keras_layer, layer_weights in zip(layers, weights, strict=True):
        keras_layer.set_weights(layer_weights)
    dense.set_weights([_array(out.weight).T, _array(out.bias)])
    return keras_model
