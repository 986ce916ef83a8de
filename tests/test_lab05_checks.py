"""Lab 05's checks pass every correct idiom and catch the plausible mistakes.

Three tasks: a GRU cell as a Keras layer (gate order, reset-before, the recurrent bias,
the weights' layout, the (h, [h]) protocol, a graph cut in call), the PyTorch -> Keras
LSTM port (transpose, gate order, one bias dropped or both kept, dtype, torch tensors),
and the standard form of Chinese text (NFKC, lower case, punctuation, whitespace).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
import torch

pytest.importorskip("tensorflow")

from course_utils.checks import CheckFailed
from course_utils.checks.lab05 import (
    check_gru_cell,
    check_lstm_weights_to_keras,
    check_standardize_zh,
)
from course_utils.keras_env import use_keras
from course_utils.reviews_zh import PUNCTUATION

keras = use_keras()
ops = keras.ops

CHECKS = {"GRUCell": check_gru_cell, "lstm_weights_to_keras": check_lstm_weights_to_keras,
          "standardize_zh": check_standardize_zh}


# Task 1: GRU cells. A base class that creates Keras' weights; variants change one thing.
class Cell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(D, 3 * H), initializer="glorot_uniform",
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(H, 3 * H), initializer="orthogonal",
                                                name="recurrent_kernel")
        self.bias = self.add_weight(shape=(2, 3 * H), initializer="zeros", name="bias")

    def parts(self, inputs, h):
        x = ops.split(ops.matmul(inputs, self.kernel) + self.bias[0], 3, axis=-1)
        u = ops.split(ops.matmul(h, self.recurrent_kernel) + self.bias[1], 3, axis=-1)
        return x, u

    def call(self, inputs, states):
        h = states[0]
        (x_z, x_r, x_h), (u_z, u_r, u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        h_new = z * h + (1 - z) * ops.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellSlices(Cell):
    """Right: slices instead of split, the state size as a list, a tuple of states."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = [units]

    def call(self, inputs, states, training=False):
        H = self.units
        h = states[0]
        x = ops.matmul(inputs, self.kernel) + self.bias[0]
        u = ops.matmul(h, self.recurrent_kernel) + self.bias[1]
        z = ops.sigmoid(x[:, :H] + u[:, :H])
        r = ops.sigmoid(x[:, H:2 * H] + u[:, H:2 * H])
        candidate = ops.tanh(x[:, 2 * H:] + r * u[:, 2 * H:])
        h_new = candidate + z * (h - candidate)
        return h_new, (h_new,)


class CellPerBlock(Cell):
    """Right: the kernels sliced per block, the two bias rows unstacked."""

    def call(self, inputs, states):
        h, H = states[0], self.units
        b_x, b_u = ops.unstack(self.bias, axis=0)
        K, U = self.kernel, self.recurrent_kernel
        z = keras.activations.sigmoid(inputs @ K[:, :H] + b_x[:H] + h @ U[:, :H] + b_u[:H])
        r = keras.activations.sigmoid(inputs @ K[:, H:2 * H] + b_x[H:2 * H]
                                      + h @ U[:, H:2 * H] + b_u[H:2 * H])
        candidate = keras.activations.tanh(inputs @ K[:, 2 * H:] + b_x[2 * H:]
                                           + r * (h @ U[:, 2 * H:] + b_u[2 * H:]))
        h_new = (1 - z) * candidate + z * h
        return h_new, [h_new]


class CellProperty(Cell):
    """Right: state_size as a property, the state taken from a non-list too, tf ops."""

    def __init__(self, units, **kwargs):
        keras.layers.Layer.__init__(self, **kwargs)
        self.units = units

    @property
    def state_size(self):
        return self.units

    def call(self, inputs, states):
        import tensorflow as tf

        h = states[0] if isinstance(states, list | tuple) else states
        (x_z, x_r, x_h), (u_z, u_r, u_h) = self.parts(inputs, h)
        z, r = tf.sigmoid(x_z + u_z), tf.sigmoid(x_r + u_r)
        h_new = z * h + (1 - z) * tf.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellDefaultNames(Cell):
    """Right: weights without names or initializers (Keras' defaults)."""

    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(D, 3 * H))
        self.recurrent_kernel = self.add_weight(shape=(H, 3 * H))
        self.bias = self.add_weight(shape=(2, 3 * H))


# Wrong cells.
class CellTorchOrder(Cell):
    def call(self, inputs, states):
        h = states[0]
        (x_r, x_z, x_h), (u_r, u_z, u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        h_new = z * h + (1 - z) * ops.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellZSwapped(Cell):
    def call(self, inputs, states):
        h = states[0]
        (x_z, x_r, x_h), (u_z, u_r, u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        h_new = (1 - z) * h + z * ops.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellResetBefore(Cell):
    def call(self, inputs, states):
        h, H = states[0], self.units
        (x_z, x_r, x_h), (u_z, u_r, _u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        recurrent = ops.matmul(r * h, self.recurrent_kernel[:, 2 * H:]) + self.bias[1][2 * H:]
        h_new = z * h + (1 - z) * ops.tanh(x_h + recurrent)
        return h_new, [h_new]


class CellResetBeforeLayout(Cell):
    """Keras' reset_after=False: one bias row."""

    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(D, 3 * H), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(H, 3 * H), name="recurrent_kernel")
        self.bias = self.add_weight(shape=(3 * H,), initializer="zeros", name="bias")


class CellNoRecurrentBias(Cell):
    def call(self, inputs, states):
        h = states[0]
        x_z, x_r, x_h = ops.split(ops.matmul(inputs, self.kernel) + self.bias[0], 3, axis=-1)
        u_z, u_r, u_h = ops.split(ops.matmul(h, self.recurrent_kernel), 3, axis=-1)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        h_new = z * h + (1 - z) * ops.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellBiasOutside(Cell):
    def call(self, inputs, states):
        h, H = states[0], self.units
        (x_z, x_r, x_h), (u_z, u_r, _u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        u_h = ops.matmul(h, self.recurrent_kernel[:, 2 * H:])
        h_new = z * h + (1 - z) * ops.tanh(x_h + r * u_h + self.bias[1][2 * H:])
        return h_new, [h_new]


class CellTanhGates(Cell):
    def call(self, inputs, states):
        h = states[0]
        (x_z, x_r, x_h), (u_z, u_r, u_h) = self.parts(inputs, h)
        z, r = ops.tanh(x_z + u_z), ops.tanh(x_r + u_r)
        h_new = z * h + (1 - z) * ops.tanh(x_h + r * u_h)
        return h_new, [h_new]


class CellNoCandidateTanh(Cell):
    def call(self, inputs, states):
        h = states[0]
        (x_z, x_r, x_h), (u_z, u_r, u_h) = self.parts(inputs, h)
        z, r = ops.sigmoid(x_z + u_z), ops.sigmoid(x_r + u_r)
        h_new = z * h + (1 - z) * (x_h + r * u_h)
        return h_new, [h_new]


class CellReturnsH(Cell):
    def call(self, inputs, states):
        return super().call(inputs, states)[0]


class CellReturnsOldState(Cell):
    def call(self, inputs, states):
        h_new, _states = super().call(inputs, states)
        return h_new, [states[0]]


class CellReturnsInput(Cell):
    def call(self, inputs, states):
        return states[0], [states[0]]


class CellNoStateSize(Cell):
    def __init__(self, units, **kwargs):
        keras.layers.Layer.__init__(self, **kwargs)
        self.units = units


class CellStateSizeTriple(Cell):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = 3 * units


class CellBiasFirst(Cell):
    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.bias = self.add_weight(shape=(2, 3 * H), initializer="zeros", name="bias")
        self.kernel = self.add_weight(shape=(D, 3 * H), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(H, 3 * H), name="recurrent_kernel")


class CellTorchLayout(Cell):
    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(3 * H, D), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(3 * H, H), name="recurrent_kernel")
        self.bias = self.add_weight(shape=(2, 3 * H), initializer="zeros", name="bias")


class CellFloat32Weights(Cell):
    def build(self, input_shape):
        D, H = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(D, 3 * H), dtype="float32")
        self.recurrent_kernel = self.add_weight(shape=(H, 3 * H), dtype="float32")
        self.bias = self.add_weight(shape=(2, 3 * H), dtype="float32")


class CellStopGradient(Cell):
    def call(self, inputs, states):
        return super().call(inputs, [ops.stop_gradient(states[0])])


class CellNumpyRoundTrip(Cell):
    def call(self, inputs, states):
        h_new, _states = super().call(inputs, states)
        h_new = ops.convert_to_tensor(np.asarray(h_new))
        return h_new, [h_new]


class CellRemembers(Cell):
    """Keeps the first state it saw and uses it forever after."""

    def call(self, inputs, states):
        if not hasattr(self, "first"):
            self.first = states[0]
        return super().call(inputs, [self.first])


class CellNaN(Cell):
    def call(self, inputs, states):
        h_new, _states = super().call(inputs, states)
        h_new = h_new * np.nan
        return h_new, [h_new]


class CellTwoStates(Cell):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.state_size = [units, units]

    def call(self, inputs, states):
        h_new, _states = super().call(inputs, states[:1])
        return h_new, [h_new, h_new]


class NotALayer:
    def __init__(self, units):
        self.state_size = units


# Task 2: ports.
def parameters(lstm):
    return [p.detach().numpy() for p in (lstm.weight_ih_l0, lstm.weight_hh_l0,
                                         lstm.bias_ih_l0, lstm.bias_hh_l0)]


def port_right(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_ih + b_hh]


def port_state_dict(lstm):
    state = {k: v.detach().cpu().numpy() for k, v in lstm.state_dict().items()}
    return (state["weight_ih_l0"].T.copy(), np.ascontiguousarray(state["weight_hh_l0"].T),
            np.add(state["bias_ih_l0"], state["bias_hh_l0"]))


def port_transpose_in_torch(lstm):
    with torch.no_grad():
        return [lstm.weight_ih_l0.T.numpy(), lstm.weight_hh_l0.t().numpy(),
                (lstm.bias_ih_l0 + lstm.bias_hh_l0).numpy()]


def port_named_parameters(lstm):
    p = {name: value.detach().numpy() for name, value in lstm.named_parameters()}
    return [np.transpose(p["weight_ih_l0"]), np.transpose(p["weight_hh_l0"]),
            p["bias_ih_l0"] + p["bias_hh_l0"]]


def reorder(order):
    def port(lstm):
        blocks = dict(zip("ifgo", range(4), strict=True))
        arrays = port_right(lstm)
        return [np.concatenate([np.split(a, 4, axis=-1)[blocks[g]] for g in order], axis=-1)
                for a in arrays]
    return port


def port_no_transpose(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih, W_hh, b_ih + b_hh]


def port_reshape(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.reshape(W_ih.shape[1], -1), W_hh.reshape(W_hh.shape[1], -1), b_ih + b_hh]


def port_only_b_ih(lstm):
    W_ih, W_hh, b_ih, _b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_ih]


def port_only_b_hh(lstm):
    W_ih, W_hh, _b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_hh]


def port_concatenated(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, np.concatenate([b_ih, b_hh])]


def port_stacked(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, np.stack([b_ih, b_hh])]


def port_four(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_ih, b_hh]


def port_tensors(lstm):
    with torch.no_grad():
        return [lstm.weight_ih_l0.T, lstm.weight_hh_l0.T, lstm.bias_ih_l0 + lstm.bias_hh_l0]


def port_float32(lstm):
    return [a.astype(np.float32) for a in port_right(lstm)]


def port_no_detach(lstm):
    return [lstm.weight_ih_l0.numpy().T, lstm.weight_hh_l0.numpy().T,
            lstm.bias_ih_l0.numpy() + lstm.bias_hh_l0.numpy()]


def port_kernels_swapped(lstm):
    kernel, recurrent, bias = port_right(lstm)
    return [recurrent, kernel, bias]


def port_in_place(lstm):
    with torch.no_grad():
        lstm.bias_ih_l0 += lstm.bias_hh_l0
    W_ih, W_hh, b_ih, _b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_ih]


def port_dict(lstm):
    kernel, recurrent, bias = port_right(lstm)
    return {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}


def port_mean_bias(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, (b_ih + b_hh) / 2]


def port_bias_difference(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, b_ih - b_hh]


def port_lists(lstm):
    return [a.tolist() for a in port_right(lstm)]


def port_zero_bias(lstm):
    W_ih, W_hh, _b_ih, _b_hh = parameters(lstm)
    return [W_ih.T, W_hh.T, np.zeros(W_ih.shape[0])]


def port_hard_coded(lstm):
    W_ih, W_hh, b_ih, b_hh = parameters(lstm)
    return [W_ih.T.reshape(4, 12), W_hh.T.reshape(3, 12), (b_ih + b_hh).reshape(12)]


def port_forgets_return(lstm):
    port_right(lstm)


def port_gru_habit(lstm):
    """Moves the first two blocks, as a GRU port does (r, z -> z, r)."""
    return reorder("figo")(lstm)


# Task 3: standardisation.
TABLE = str.maketrans(PUNCTUATION)


def zh_right(text):
    text = unicodedata.normalize("NFKC", text).lower().translate(TABLE)
    return "".join(text.split())


def zh_regex(text):
    text = unicodedata.normalize("NFKC", text.lower())
    return re.sub(r"\s+", "", "".join(PUNCTUATION.get(c, c) for c in text))


def zh_casefold_other_order(text):
    text = "".join(ch for ch in text if not ch.isspace())
    return unicodedata.normalize("NFKC", text).translate(TABLE).casefold()


def zh_nfc(text):
    text = unicodedata.normalize("NFC", text).lower().translate(TABLE)
    return "".join(text.split())


def zh_nfkd(text):
    text = unicodedata.normalize("NFKD", text).lower().translate(TABLE)
    return "".join(text.split())


def zh_no_lower(text):
    text = unicodedata.normalize("NFKC", text).translate(TABLE)
    return "".join(text.split())


def zh_upper(text):
    text = unicodedata.normalize("NFKC", text).upper().translate(TABLE)
    return "".join(text.split())


def zh_replace_space(text):
    return unicodedata.normalize("NFKC", text).lower().translate(TABLE).replace(" ", "")


def zh_strip(text):
    return unicodedata.normalize("NFKC", text).lower().translate(TABLE).strip()


def zh_single_spaces(text):
    return " ".join(unicodedata.normalize("NFKC", text).lower().translate(TABLE).split())


def zh_no_punctuation_map(text):
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def zh_drop_punctuation(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in text if c.isalnum())


def zh_chinese_only(text):
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def zh_list(text):
    return list(zh_right(text))


def zh_no_return(text):
    zh_right(text)


def zh_bytes(text):
    return zh_right(text).encode("utf-8")


def zh_manual_fullwidth(text):
    """Folds U+FF01-FF5E by hand and the ideographic space, no NFKC (misses the ellipsis)."""
    text = "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)
    return "".join(text.replace("\u3000", " ").lower().translate(TABLE).split())


def zh_translate_first_only_ascii_space(text):
    text = text.translate(TABLE).replace(" ", "").replace("\u3000", "")
    return unicodedata.normalize("NFKC", text).lower()


def zh_unchanged(text):
    return text


def zh_drop_digits(text):
    return "".join(c for c in zh_right(text) if not c.isdigit())


def zh_ellipsis_kept(text):
    text = text.replace("…", "\x00")
    return zh_right(text).replace("\x00", "…")


RIGHT = [
    ("GRUCell", Cell), ("GRUCell", CellSlices), ("GRUCell", CellPerBlock),
    ("GRUCell", CellProperty), ("GRUCell", CellDefaultNames),
    ("lstm_weights_to_keras", port_right), ("lstm_weights_to_keras", port_state_dict),
    ("lstm_weights_to_keras", port_transpose_in_torch),
    ("lstm_weights_to_keras", port_named_parameters),
    ("standardize_zh", zh_right), ("standardize_zh", zh_regex),
    ("standardize_zh", zh_casefold_other_order),
]


@pytest.mark.parametrize(("task", "right"), RIGHT,
                         ids=[f"{t}-{f.__name__}" for t, f in RIGHT])
def test_correct_idioms_pass(task, right, capsys):
    CHECKS[task](right)
    assert capsys.readouterr().out.startswith(f"✓ {task}")


CUT = "cuts the graph"
ORDER = "in the order"
WRONG = [
    ("GRUCell", CellTorchOrder, "order r, z, h"),
    ("GRUCell", CellZSwapped, "wrong sides"),
    ("GRUCell", CellResetBefore, "reset_after=True"),
    ("GRUCell", CellResetBeforeLayout, "reset_after=False"),
    ("GRUCell", CellNoRecurrentBias, "recurrent bias"),
    ("GRUCell", CellBiasOutside, "bias included"),
    ("GRUCell", CellTanhGates, "sigmoid"),
    ("GRUCell", CellNoCandidateTanh, "differ"),
    ("GRUCell", CellReturnsH, "pair (h, [h])"),
    ("GRUCell", CellReturnsOldState, "not the output h"),
    ("GRUCell", CellReturnsInput, "equals the input state"),
    ("GRUCell", CellNoStateSize, "state_size"),
    ("GRUCell", CellStateSizeTriple, "state_size"),
    ("GRUCell", CellBiasFirst, "another order"),
    ("GRUCell", CellTorchLayout, "PyTorch's layout"),
    ("GRUCell", CellFloat32Weights, "dtype"),
    ("GRUCell", CellStopGradient, CUT),
    ("GRUCell", CellNumpyRoundTrip, CUT),
    ("GRUCell", CellRemembers, "nothing kept from an earlier call"),
    ("GRUCell", CellNaN, "NaN"),
    ("GRUCell", CellTwoStates, "state_size"),
    ("GRUCell", NotALayer, "keras.layers.Layer"),
    ("GRUCell", Cell(5), "not an instance"),
    ("lstm_weights_to_keras", port_no_transpose, "transpose"),
    ("lstm_weights_to_keras", port_reshape, "reshape"),
    ("lstm_weights_to_keras", reorder("ifog"), "order i, f, o, g"),
    ("lstm_weights_to_keras", reorder("igfo"), "order i, g, f, o"),
    ("lstm_weights_to_keras", port_gru_habit, ORDER),
    ("lstm_weights_to_keras", port_only_b_ih, "b_ih alone"),
    ("lstm_weights_to_keras", port_only_b_hh, "b_hh alone"),
    ("lstm_weights_to_keras", port_concatenated, "side by side"),
    ("lstm_weights_to_keras", port_stacked, "side by side"),
    ("lstm_weights_to_keras", port_four, "four arrays"),
    ("lstm_weights_to_keras", port_tensors, "torch tensor"),
    ("lstm_weights_to_keras", port_float32, "dtype float32"),
    ("lstm_weights_to_keras", port_no_detach, "detach"),
    ("lstm_weights_to_keras", port_kernels_swapped, "shape"),
    ("lstm_weights_to_keras", port_in_place, "changed the LSTM's parameters"),
    ("lstm_weights_to_keras", port_dict, "list of three"),
    ("lstm_weights_to_keras", port_mean_bias, "mean"),
    ("lstm_weights_to_keras", port_bias_difference, "entries of bias"),
    ("lstm_weights_to_keras", port_lists, "NumPy array"),
    ("lstm_weights_to_keras", port_zero_bias, "entries of bias"),
    ("lstm_weights_to_keras", port_hard_coded, "raised"),
    ("lstm_weights_to_keras", port_forgets_return, "NoneType"),
    ("standardize_zh", zh_nfc, "full-width digits"),
    ("standardize_zh", zh_nfkd, "accented"),
    ("standardize_zh", zh_no_lower, "upper-case"),
    ("standardize_zh", zh_upper, "upper-case"),
    ("standardize_zh", zh_replace_space, "tabs, line breaks"),
    ("standardize_zh", zh_strip, "spaces"),
    ("standardize_zh", zh_single_spaces, "spaces"),
    ("standardize_zh", zh_no_punctuation_map, "Chinese punctuation"),
    ("standardize_zh", zh_drop_punctuation, "punctuation"),
    ("standardize_zh", zh_chinese_only, "upper-case"),
    ("standardize_zh", zh_list, "list"),
    ("standardize_zh", zh_no_return, "NoneType"),
    ("standardize_zh", zh_bytes, "bytes"),
    ("standardize_zh", zh_manual_fullwidth, "ellipsis"),
    ("standardize_zh", zh_translate_first_only_ascii_space, "tabs, line breaks"),
    ("standardize_zh", zh_unchanged, "spaces"),
    ("standardize_zh", zh_drop_digits, "full-width digits"),
    ("standardize_zh", zh_ellipsis_kept, "ellipsis"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{getattr(f, '__name__', type(f).__name__)}"
                              for t, f, _ in WRONG])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    with pytest.raises(CheckFailed) as failure:
        CHECKS[task](wrong)
    message = str(failure.value)
    assert message.startswith(f"✗ {task}:") and hint in message, message
    assert keras.config.floatx() == "float32"              # the check put it back
    assert keras.config.dtype_policy().name == "float32"


def test_messages_never_show_expected_values():
    """No failing message holds a number with many digits, nor an expected text."""
    from course_utils.checks.lab05 import _zh_cases
    from course_utils.reviews_zh import standardize_zh

    answers = {standardize_zh(text) for _kind, text in _zh_cases()} - {""}
    for task, wrong, _hint in WRONG:
        with pytest.raises(CheckFailed) as failure:
            CHECKS[task](wrong)
        message = str(failure.value)
        assert not re.search(r"\d\.\d{3,}(?!e)", message), message
        assert not any(answer in message for answer in answers), message


def test_the_checks_are_repeatable():
    """Fixed inputs: twenty runs of each check give the same verdicts."""
    for _run in range(20):
        for task, right in RIGHT[::4]:
            CHECKS[task](right)
        for task, wrong, _hint in WRONG[::7]:
            with pytest.raises(CheckFailed):
                CHECKS[task](wrong)
