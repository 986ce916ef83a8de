"""PyTorch -> Keras weight ports: the same outputs, to rounding, in both frameworks."""

import numpy as np
import pytest
import torch
from torch import nn

pytest.importorskip("tensorflow")

from course_utils.keras_env import use_keras
from course_utils.keras_port import (
    PortError,
    sentiment_rnn_to_keras,
    torch_gru_to_keras,
    torch_lstm_to_keras,
    torch_rnn_to_keras,
)
from course_utils.sentiment import SentimentRNN

keras = use_keras()

PORTS = {
    "gru": (nn.GRU, torch_gru_to_keras, lambda h: keras.layers.GRU(
        h, reset_after=True, return_sequences=True, return_state=True, dtype="float64")),
    "lstm": (nn.LSTM, torch_lstm_to_keras, lambda h: keras.layers.LSTM(
        h, return_sequences=True, return_state=True, dtype="float64")),
    "rnn": (nn.RNN, torch_rnn_to_keras, lambda h: keras.layers.SimpleRNN(
        h, return_sequences=True, return_state=True, dtype="float64")),
}


@pytest.mark.parametrize("cell", list(PORTS))
@pytest.mark.parametrize(("inputs", "hidden", "steps"), [(1, 1, 1), (5, 7, 13), (16, 3, 40)])
def test_port_gives_the_same_outputs_and_states(cell, inputs, hidden, steps):
    torch_class, port, keras_layer = PORTS[cell]
    torch.manual_seed(inputs * 100 + hidden)
    module = torch_class(inputs, hidden, batch_first=True, dtype=torch.float64)
    with torch.no_grad():                       # biases as large as the weights, not near 0
        for parameter in module.parameters():
            parameter.uniform_(-1, 1)
    x = torch.randn(4, steps, inputs, dtype=torch.float64)
    layer = keras_layer(hidden)
    layer.build((None, None, inputs))
    weights = port(module)
    assert [w.shape for w in weights] == [tuple(v.shape) for v in layer.weights]
    layer.set_weights(weights)
    outputs, *states = (np.asarray(t) for t in layer(x.numpy()))
    with torch.no_grad():
        expected, torch_states = module(x)
    torch_states = torch_states if cell == "lstm" else (torch_states,)
    assert np.abs(outputs - expected.numpy()).max() < 1e-10
    for got, want in zip(states, torch_states, strict=True):
        assert np.abs(got - want[0].numpy()).max() < 1e-10


def test_port_copies_and_leaves_the_module_alone():
    gru = nn.GRU(3, 2)
    before = [p.detach().clone() for p in gru.parameters()]
    for array in torch_gru_to_keras(gru):
        array += 1.0
    assert all(torch.equal(b, p) for b, p in zip(before, gru.parameters(), strict=True))


@pytest.mark.parametrize(("port", "module", "hint"), [
    (torch_gru_to_keras, nn.GRU(3, 2, bidirectional=True), "bidirectional"),
    (torch_lstm_to_keras, nn.LSTM(3, 2, num_layers=2), "2 layers"),
    (torch_gru_to_keras, nn.GRU(3, 2, bias=False), "bias=False"),
    (torch_lstm_to_keras, nn.LSTM(3, 2, proj_size=1), "proj_size"),
    (torch_gru_to_keras, nn.LSTM(3, 2), "torch.nn.GRU"),
    (torch_lstm_to_keras, nn.Linear(3, 2), "torch.nn.LSTM"),
    (torch_rnn_to_keras, nn.RNN(3, 2, nonlinearity="relu"), "relu"),
])
def test_port_refuses_what_keras_cannot_hold(port, module, hint):
    with pytest.raises(PortError, match=hint) as error:
        port(module)
    assert error.value._render_traceback_() == [str(error.value)]


def right_padded(lengths: list[int], vocab_size: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(1, vocab_size, (len(lengths), max(lengths)), generator=generator)
    ids[torch.arange(max(lengths)) >= torch.tensor(lengths)[:, None]] = 0
    return ids


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_sentiment_model_gives_the_same_logits(cell, bidirectional):
    torch.manual_seed(1)
    model = SentimentRNN(200, embed_dim=16, hidden=12, cell=cell,
                         bidirectional=bidirectional).eval()
    ported = sentiment_rnn_to_keras(model)
    torch_params = sum(p.numel() for p in model.parameters())
    extra_biases = {"lstm": 4, "gru": 0, "rnn": 1}[cell] * 12   # PyTorch's second bias
    extra_biases *= 2 if bidirectional else 1
    assert ported.count_params() == torch_params - extra_biases
    for seed, lengths in enumerate([[30, 30, 30], [30, 17, 5, 1], [1], [8, 3, 8, 2, 7]]):
        ids = right_padded(lengths, 200, seed)
        with torch.no_grad():
            expected = model(ids, torch.tensor(lengths)).numpy()
        logits = np.asarray(ported(ids.numpy(), training=False))
        assert logits.shape == (len(lengths), 1)
        assert np.abs(logits[:, 0] - expected).max() < 1e-5


def test_sentiment_model_in_float64_is_exact():
    torch.manual_seed(2)
    model = SentimentRNN(100, embed_dim=8, hidden=6, cell="gru").double().eval()
    ported = sentiment_rnn_to_keras(model, dtype="float64")
    lengths = [12, 4, 9]
    ids = right_padded(lengths, 100, 0)
    with torch.no_grad():
        expected = model(ids, torch.tensor(lengths)).numpy()
    assert np.abs(np.asarray(ported(ids.numpy()))[:, 0] - expected).max() < 1e-10


@pytest.mark.parametrize(("model", "hint"), [
    (SentimentRNN(50, 8, 6, cell="gru", layers=2), "2 layers"),
    (SentimentRNN(50, 8, 6, pad_index=3), "padding index"),
    (nn.Linear(3, 1), "SentimentRNN"),
])
def test_sentiment_port_refuses_other_models(model, hint):
    with pytest.raises(PortError, match=hint):
        sentiment_rnn_to_keras(model)
