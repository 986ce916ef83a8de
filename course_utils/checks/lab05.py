"""Checks for lab 05: a GRU cell in Keras 3, the PyTorch -> Keras LSTM port, Chinese text.

The references are the libraries themselves: the learner's cell runs inside
``keras.layers.RNN`` and must compute what ``keras.layers.GRU`` (``reset_after=True``)
computes with the same weights, values and gradients, in ``float64``; the learner's port
must make ``keras.layers.LSTM`` compute what the ``nn.LSTM`` it came from computes. The
text check compares with :func:`course_utils.reviews_zh.standardize_zh` on fixed strings,
one kind of character at a time, and names the kind that goes wrong, never the answer.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from itertools import permutations
from typing import Any

import numpy as np

from ..i18n import _
from .core import call, expect_array, expect_close, fail, passed

N, T, D, H = 3, 6, 4, 5
LENGTHS = (6, 4, 1)                     # real steps per sequence; the rest is padding
KERAS_GRU_GATES = "zrh"
LSTM_GATES = "ifgo"
GRU_NAMES = ("kernel", "recurrent_kernel", "bias")


def _keras() -> Any:
    from ..keras_env import use_keras

    return use_keras()


@contextlib.contextmanager
def _float64() -> Iterator[None]:
    """Layers made inside get float64 weights and compute in float64."""
    keras = _keras()
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    try:
        yield
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _numpy(task: str, value: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A finite float64 array from a Keras tensor, with the reason when it is not one."""
    keras = _keras()
    if isinstance(value, list | tuple) or value is None or isinstance(value, str):
        fail(task, _("{name} should be a tensor, but it is {type}.",
                     name=name, type=type(value).__name__))
    try:
        array = np.asarray(keras.ops.convert_to_numpy(value))
    except Exception:
        fail(task, _("{name} should be a tensor, but it is {type}.",
                     name=name, type=type(value).__name__))
    if array.shape != shape:
        fail(task, _("{name} has shape {got}, expected {want}.",
                     name=name, got=array.shape, want=shape))
    if array.dtype != np.float64:
        fail(task, _("{name} has dtype {got}, expected {want}, the dtype of the inputs.",
                     name=name, got=array.dtype, want="float64"))
    return expect_array(task, array, name, shape=shape, kind="f")


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=1e-7, atol=1e-9))


# Task 1: the GRU cell.
def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _gru_step(x: np.ndarray, h: np.ndarray, weights: list[np.ndarray],
              order: str = KERAS_GRU_GATES, mistake: str = "") -> np.ndarray:
    """Keras' GRU step (reset_after=True), or one of the usual slips."""
    kernel, recurrent, bias = weights
    if mistake == "no_recurrent_bias":
        bias = np.stack([bias[0], np.zeros_like(bias[1])])
    xs = dict(zip(order, np.split(x @ kernel + bias[0], 3, axis=1), strict=True))
    hs = dict(zip(order, np.split(h @ recurrent + bias[1], 3, axis=1), strict=True))
    squash = np.tanh if mistake == "tanh" else _sigmoid
    z, r = squash(xs["z"] + hs["z"]), squash(xs["r"] + hs["r"])
    U_h = dict(zip(order, np.split(recurrent, 3, axis=1), strict=True))["h"]
    b_h = dict(zip(order, np.split(bias[1], 3), strict=True))["h"]
    candidate = {
        "reset_before": lambda: xs["h"] + (r * h) @ U_h + b_h,
        "bias_outside": lambda: xs["h"] + r * (h @ U_h) + b_h,
    }.get(mistake, lambda: xs["h"] + r * hs["h"])()
    hh = np.tanh(candidate)
    if mistake == "z_swapped":
        return (1 - z) * h + z * hh
    return z * h + (1 - z) * hh


GRU_HINTS: dict[str, Callable[[], str]] = {
    "z_swapped": lambda: _("z and 1 - z are on the wrong sides: in Keras, z weighs the old "
                           "state, h_t = z * h_prev + (1 - z) * hh."),
    "tanh": lambda: _("the gates z and r use tanh; they need the sigmoid, so that they lie "
                      "between 0 and 1."),
    "reset_before": lambda: _(
        "you apply the reset gate before the matrix product, (r * h) @ U_h, as Cho et al. "
        "(2014) do: that is Keras' reset_after=False. This task asks for the default, "
        "reset_after=True, which cuDNN and PyTorch compute too: r * (h @ U_h + b_h)."),
    "bias_outside": lambda: _("the reset gate must multiply h @ U_h + b_h, the recurrent "
                              "bias included."),
    "no_recurrent_bias": lambda: _("the recurrent bias, the second row of bias, is missing: "
                                   "add it to h @ recurrent_kernel."),
}


def _gru_weights(seed: int) -> list[np.ndarray]:
    rng = _rng(seed)
    return [rng.normal(0, 0.6, size=(D, 3 * H)), rng.normal(0, 0.6, size=(H, 3 * H)),
            rng.normal(0, 0.6, size=(2, 3 * H))]


def _expect_layer_class(task: str, cls: Any) -> None:
    keras = _keras()
    if isinstance(cls, keras.layers.Layer):
        fail(task, _("pass the class itself, not an instance: check_gru_cell(GRUCell)."))
    if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
        fail(task, _("GRUCell should be a class derived from keras.layers.Layer."))


def _new_cell(task: str, cls: Any) -> Any:
    """An instance of the learner's cell with ``H`` units, its ``state_size`` checked."""
    cell = call(task, cls, H, copy_args=False)
    size = getattr(cell, "state_size", None)
    if isinstance(size, list | tuple) and len(size) == 1:
        size = size[0]
    if size is None:
        fail(task, _("the cell has no state_size: set self.state_size = units in __init__."))
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size != H:
        fail(task, _("the cell's state_size is {got}; with {units} units it should be {units}: "
                     "the size of h.", got=size, units=H))
    return cell


def _expect_gru_weights(task: str, cell: Any) -> None:
    """Three weights of Keras' GRU layout, created in Keras' order."""
    shapes = [tuple(w.shape) for w in cell.weights]
    want = [(D, 3 * H), (H, 3 * H), (2, 3 * H)]
    layout = _("kernel {kernel}, recurrent_kernel {recurrent}, bias {bias}",
               kernel=want[0], recurrent=want[1], bias=want[2])
    if len(shapes) != 3:
        fail(task, _("build created {count} weights; it should create three, in this order: "
                     "{layout} (for {inputs} inputs and {units} units).",
                     count=len(shapes), layout=layout, inputs=D, units=H))
    if shapes == want:
        dtypes = {str(w.dtype) for w in cell.weights}
        if dtypes != {"float64"}:
            fail(task, _("the weights have dtype {got}, expected {want}: do not fix the dtype "
                         "in add_weight; Keras gives the layer's own.",
                         got=", ".join(sorted(dtypes)), want="float64"))
        return
    if shapes[2] == (3 * H,):
        fail(task, _("bias has shape {got}: that is the layout of reset_after=False. This task "
                     "asks for reset_after=True, with two bias rows, shape {want}.",
                     got=shapes[2], want=want[2]))
    if shapes[0] == (3 * H, D) or shapes[1] == (3 * H, H):
        fail(task, _("the kernels have shapes {got}: that is PyTorch's layout. Keras stores "
                     "them as (inputs, units), so that x @ kernel works: {layout}.",
                     got=", ".join(str(s) for s in shapes[:2]), layout=layout))
    if sorted(shapes) == sorted(want):
        fail(task, _("build creates the right weights in another order; create them in "
                     "Keras' order: {layout}.", layout=layout))
    fail(task, _("build created weights of shapes {got}; expected {layout} (for {inputs} "
                 "inputs and {units} units).", got=", ".join(str(s) for s in shapes),
                 layout=layout, inputs=D, units=H))


def _step_result(task: str, result: Any) -> np.ndarray:
    """The new state of a ``(h, [h])`` result, as NumPy, after checking its form."""
    if not isinstance(result, tuple | list) or len(result) != 2:
        fail(task, _("call should return a pair (h, [h]): the output and the list of new "
                     "states, but it returned {type}.", type=type(result).__name__))
    output, states = result
    got = _numpy(task, output, "h", (N, H))
    if isinstance(states, tuple | list):
        if len(states) != 1:
            fail(task, _("call should return a pair (h, [h]): the list of new states holds "
                         "{count} items, expected one.", count=len(states)))
        states = states[0]
    new_state = _numpy(task, states, "[h]", (N, H))
    if not np.array_equal(new_state, got):
        fail(task, _("the new state returned in [h] is not the output h: return (h, [h]) with "
                     "the same new h twice."))
    return got


def _explain_gru_step(task: str, got: np.ndarray, x: np.ndarray, h: np.ndarray,
                      weights: list[np.ndarray]) -> None:
    if _same(got, h):
        fail(task, _("h equals the input state: the cell hands back what it received instead "
                     "of computing a new value."))
    for order in ("".join(p) for p in permutations(KERAS_GRU_GATES)):
        if order != KERAS_GRU_GATES and _same(got, _gru_step(x, h, weights, order)):
            fail(task, _("your gates are in the order {order}; Keras stacks them z, r, h "
                         "(columns 0:H, H:2H, 2H:3H), not PyTorch's r, z, n.",
                         order=", ".join(order)))
    for mistake, hint in GRU_HINTS.items():
        if _same(got, _gru_step(x, h, weights, mistake=mistake)):
            fail(task, hint())


def _mask() -> np.ndarray:
    return np.arange(T)[None, :] < np.array(LENGTHS)[:, None]


def _gradients(layer: Any, xs: Any, mask: Any, probes: list[np.ndarray]) -> list[np.ndarray]:
    """Gradients of sum(probe * output) w.r.t. the inputs and the layer's weights."""
    import tensorflow as tf

    xs = tf.constant(xs)
    with tf.GradientTape() as tape:
        tape.watch(xs)
        outputs = layer(xs, mask=mask)
        loss = sum(tf.reduce_sum(p * o) for p, o in zip(probes, outputs, strict=True))
    grads = tape.gradient(loss, [xs, *layer.trainable_weights])
    return [None if g is None else np.asarray(g) for g in grads]


def check_gru_cell(cls: Any) -> None:
    """Check a ``keras.layers.Layer`` GRU cell class against ``keras.layers.GRU``."""
    task = "GRUCell"
    keras = _keras()
    _expect_layer_class(task, cls)
    weights = _gru_weights(505)
    rng = _rng(506)
    x, h = rng.normal(size=(N, D)), rng.uniform(-1, 1, size=(N, H))
    with _float64():
        cell = _new_cell(task, cls)
        call(task, cell.build, (N, D), copy_args=False, when="build((N, D))")
        _expect_gru_weights(task, cell)
        cell.set_weights(weights)
        # One step, called the way keras.layers.RNN calls it: states as a list.
        tensors = keras.ops.convert_to_tensor(x), [keras.ops.convert_to_tensor(h)]
        got = _step_result(task, call(task, cell, *tensors, copy_args=False,
                                      when="cell(x, [h])"))
        want = _gru_step(x, h, weights)
        if not _same(got, want):
            _explain_gru_step(task, got, x, h, weights)
        expect_close(task, got, want, "h", rtol=1e-7, atol=1e-9)
        # A whole padded batch inside keras.layers.RNN, against keras.layers.GRU.
        xs, mask = rng.normal(size=(N, T, D)), _mask()
        layer = keras.layers.RNN(_new_cell(task, cls), return_sequences=True,
                                 return_state=True)
        reference = keras.layers.GRU(H, return_sequences=True, return_state=True)
        for model in (layer, reference):
            model.build((N, T, D))
            model.set_weights(weights)
        outputs = call(task, lambda: layer(xs, mask=mask), copy_args=False,
                       when="keras.layers.RNN(GRUCell(units))")
        want_all = reference(xs, mask=mask)
        if not isinstance(outputs, list | tuple) or len(outputs) != 2:
            fail(task, _("inside keras.layers.RNN the cell should give one state, but RNN "
                         "returned {count} tensors besides the outputs.",
                         count=len(outputs) - 1 if isinstance(outputs, list | tuple) else 0))
        sequence = _numpy(task, outputs[0], "outputs", (N, T, H))
        if not _same(sequence, np.asarray(want_all[0])):
            fail(task, _("one step is right, but inside keras.layers.RNN the outputs differ "
                         "from keras.layers.GRU's: call must compute h from its arguments "
                         "only (inputs and states[0]), nothing kept from an earlier call."))
        probes = [rng.normal(size=(N, T, H)), rng.normal(size=(N, H))]
        grads = _gradients(layer, xs, mask, probes)
        want_grads = _gradients(reference, xs, mask, probes)
    for name, mine, theirs in zip(("inputs", *GRU_NAMES), grads, want_grads, strict=True):
        if mine is None or not np.any(mine):
            fail(task, _("the values are right, but no gradient reaches {name}: something "
                         "cuts the graph (ops.stop_gradient, .numpy() or np.asarray in "
                         "call).", name=name))
        if not np.allclose(mine, theirs, rtol=1e-6, atol=1e-9):
            fail(task, _("the values are right, but the gradient with respect to {name} "
                         "differs from keras.layers.GRU's: something cuts the graph "
                         "(ops.stop_gradient, .numpy() or np.asarray in call).", name=name))
    passed(task)


# Task 2: the PyTorch -> Keras LSTM port.
PORT_D, PORT_H = 4, 3


def _lstm(seed: int, inputs: int, units: int) -> Any:
    """A float64 nn.LSTM with fixed random weights, biases not small."""
    import torch

    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(inputs, units, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        for p in lstm.parameters():
            p.normal_(0.0, 0.6)
    return lstm


def _torch_port(lstm: Any) -> list[np.ndarray]:
    """What Keras' LSTM needs: the kernels transposed, the biases summed."""
    w = [getattr(lstm, f"{n}_l0").detach().numpy() for n in
         ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return [w[0].T, w[1].T, w[2] + w[3]]


def _blocks(array: np.ndarray, order: str) -> np.ndarray:
    """``array`` (columns or entries in i, f, g, o blocks) with its blocks in ``order``."""
    parts = dict(zip(LSTM_GATES, np.split(array, 4, axis=-1), strict=True))
    return np.concatenate([parts[g] for g in order], axis=-1)


def _port_arrays(task: str, result: Any, lstm: Any) -> list[np.ndarray]:
    """The three arrays of a port, checked for type, count, shape and dtype."""
    import torch

    inputs, units = lstm.input_size, lstm.hidden_size
    want = {"kernel": (inputs, 4 * units), "recurrent_kernel": (units, 4 * units),
            "bias": (4 * units,)}
    if not isinstance(result, list | tuple):
        fail(task, _("the function should return a list of three NumPy arrays [kernel, "
                     "recurrent_kernel, bias], the list set_weights takes, but it returned "
                     "{type}.", type=type(result).__name__))
    if len(result) == 4:
        fail(task, _("the function returned four arrays; Keras' LSTM has one bias vector, "
                     "so it takes three: [kernel, recurrent_kernel, b_ih + b_hh]."))
    if len(result) != 3:
        fail(task, _("the function returned {count} items; it should return three: "
                     "[kernel, recurrent_kernel, bias].", count=len(result)))
    arrays = []
    for (name, shape), value in zip(want.items(), result, strict=True):
        if isinstance(value, torch.Tensor):
            fail(task, _("{name} is a torch tensor; set_weights takes NumPy arrays: "
                         "tensor.detach().numpy().", name=name))
        if not isinstance(value, np.ndarray):
            fail(task, _("{name} should be a NumPy array, but it is {type}.",
                         name=name, type=type(value).__name__))
        if value.shape != shape:
            fail(task, _port_shape_hint(name, value.shape, shape))
        if value.dtype != np.float64:
            fail(task, _("{name} has dtype {got}, but the LSTM's parameters are {want}: keep "
                         "their dtype (.detach().numpy() does).",
                         name=name, got=value.dtype, want="float64"))
        arrays.append(expect_array(task, value, name, shape=shape, kind="f"))
    return arrays


def _port_shape_hint(name: str, got: tuple, want: tuple) -> str:
    if len(want) == 2 and got == want[::-1]:
        return _("{name} has shape {got}, expected {want}: Keras stores a kernel as (inputs, "
                 "4 * units), the transpose of PyTorch's weight.", name=name, got=got,
                 want=want)
    if name == "bias" and (got == (2 * want[0],) or got == (2, want[0])):
        return _("bias has shape {got}, expected {want}: Keras' LSTM has one bias vector. "
                 "Add b_ih and b_hh instead of putting them side by side.",
                 got=got, want=want)
    return _("{name} has shape {got}, expected {want}.", name=name, got=got, want=want)


def _explain_port(task: str, arrays: list[np.ndarray], lstm: Any) -> None:
    """Name the mistake in ``arrays`` when it is a usual one."""
    want = _torch_port(lstm)
    W_ih = lstm.weight_ih_l0.detach().numpy()
    b_ih, b_hh = (lstm.bias_ih_l0.detach().numpy(), lstm.bias_hh_l0.detach().numpy())
    orders = ["".join(p) for p in permutations(LSTM_GATES) if "".join(p) != LSTM_GATES]
    for order in orders:
        if any(_same(a, _blocks(w, order)) for a, w in zip(arrays, want, strict=True)):
            fail(task, _("your gate blocks are in the order {order}; Keras' LSTM stacks them "
                         "i, f, g (c in Keras' names), o, the same order as PyTorch: keep "
                         "it.", order=", ".join(order)))
    if _same(arrays[0], W_ih.reshape(arrays[0].shape)):
        fail(task, _("kernel has the right shape but its entries are in the wrong places: "
                     "reshape keeps the order of the entries; a transpose (.T) is needed."))
    bias = arrays[2]
    for name, kept in (("b_ih", b_ih), ("b_hh", b_hh)):
        if _same(bias, kept):
            fail(task, _("bias is {kept} alone: Keras' one bias vector must be the sum "
                         "b_ih + b_hh, so that it adds both.", kept=name))
    if _same(bias, (b_ih + b_hh) / 2):
        fail(task, _("bias is the mean of b_ih and b_hh; it must be their sum."))


def _keras_lstm_outputs(task: str, arrays: list[np.ndarray], xs: np.ndarray) -> list:
    keras = _keras()
    layer = keras.layers.LSTM(PORT_H, return_sequences=True, return_state=True,
                              dtype="float64")
    layer.build((None, None, PORT_D))
    call(task, layer.set_weights, list(arrays), copy_args=False,
         when="keras.layers.LSTM.set_weights")
    return [np.asarray(t) for t in layer(xs)]


def check_lstm_weights_to_keras(lstm_weights_to_keras: Callable[..., Any]) -> None:
    """Check ``lstm_weights_to_keras(lstm) -> [kernel, recurrent_kernel, bias]``."""
    import torch

    task = "lstm_weights_to_keras"
    lstm = _lstm(507, PORT_D, PORT_H)
    before = {k: v.clone() for k, v in lstm.state_dict().items()}
    result = call(task, lstm_weights_to_keras, lstm, copy_args=False)
    if not all(torch.equal(before[k], v) for k, v in lstm.state_dict().items()):
        fail(task, _("the function changed the LSTM's parameters; read them, and compute "
                     "the new arrays from copies (b_ih + b_hh makes a new array)."))
    arrays = _port_arrays(task, result, lstm)
    xs = _rng(508).normal(size=(N, T, PORT_D))
    with torch.no_grad():
        want, (_h_T, c_T) = lstm(torch.from_numpy(xs))
    got = _keras_lstm_outputs(task, arrays, xs)
    if not _same(got[0], want.numpy()):
        _explain_port(task, arrays, lstm)
        for name, mine, right in zip(("kernel", "recurrent_kernel", "bias"), arrays,
                                     _torch_port(lstm), strict=True):
            if not _same(mine, right):
                wrong = ~np.isclose(mine, right, rtol=1e-7, atol=1e-9)
                fail(task, _("with your arrays Keras' LSTM computes other outputs than the "
                             "nn.LSTM; {count} of {total} entries of {name} are not where "
                             "Keras needs them.", count=int(wrong.sum()), total=wrong.size,
                             name=name))
    expect_close(task, got[0], want.numpy(), "outputs", rtol=1e-7, atol=1e-9)
    expect_close(task, got[2], c_T[0].numpy(), "c_T", rtol=1e-7, atol=1e-9)
    # Other sizes, so that nothing in the function is tied to those above.
    other = _lstm(509, 2, 6)
    result = call(task, lstm_weights_to_keras, other, copy_args=False)
    arrays = _port_arrays(task, result, other)
    if not all(_same(a, w) for a, w in zip(arrays, _torch_port(other), strict=True)):
        fail(task, _("the port is right for one LSTM but not for another with {inputs} inputs "
                     "and {units} units: read the sizes from the layer.", inputs=2, units=6))
    passed(task)


# Task 3: Chinese text in the course's standard form.
def _zh_cases() -> list[tuple[Callable[[], str], str]]:
    """(what kind of character a text holds, the text), simplest first."""
    return [
        (lambda: _("Chinese characters only (they must come back unchanged)"),
         "这本书很好看我非常喜欢"),
        (lambda: _("spaces"), " 质量 不错  就是 有点贵 "),
        (lambda: _("tabs, line breaks or the ideographic space U+3000"),
         "很好\t看\n真的\u3000不错\r\n房间干净"),
        (lambda: _("upper-case Latin letters"), "Kindle版本OK也支持USB"),
        (lambda: _("accented Latin letters (NFKC composes them; NFD and NFKD split them)"),
         "楼下的Café还不错"),
        (lambda: _("full-width digits"), "价格１２８元送货３天"),
        (lambda: _("full-width Latin letters"), "ｉｐａｄ很好用ｗｉｆｉ快"),
        (lambda: _("full-width punctuation"), "太好了！真的吗？好，下次再来：（推荐）"),
        (lambda: _("Chinese punctuation that NFKC leaves alone (see PUNCTUATION)"),
         "服务很好。房间、早餐“不错”《指南》【推荐】——值得"),
        (lambda: _("the ellipsis …"), "等了很久……终于到了"),
        (lambda: _("whitespace only"), " \u3000\t\n"),
        (lambda: _("an empty string"), ""),
        (lambda: _("a mix of all of these"),
         " 这款ＭＰ３ Player 很好！！价格：１９９元。“物美价廉”……\u3000推荐【五星】\n"),
    ]


def check_standardize_zh(standardize_zh: Callable[[str], str]) -> None:
    """Check ``standardize_zh(text) -> str`` on fixed texts, one kind of character at a time."""
    from ..reviews_zh import standardize_zh as reference

    task = "standardize_zh"
    for kind, text in _zh_cases():
        got = call(task, standardize_zh, text)
        if not isinstance(got, str):
            fail(task, _("the function should return the standardised text as one str (the "
                         "characters are split later), but it returned {type}.",
                         type=type(got).__name__))
        if got != reference(text):
            fail(task, _("wrong on this kind of text: {kind}.", kind=kind()))
    passed(task)
