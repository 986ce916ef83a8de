"""Lab 04's checks pass the right answers and catch the plausible mistakes."""

from __future__ import annotations

import pytest
import torch

from course_utils.checks import CheckFailed
from course_utils.checks.lab04 import (
    check_collate_batch,
    check_evaluate_accuracy,
    check_train_step,
)


def pad_in_order(batch):
    lengths = torch.tensor([len(ids) for ids, _ in batch])
    ids = torch.zeros(len(batch), int(lengths.max()), dtype=torch.long)
    for row, (tokens, _) in enumerate(batch):
        ids[row, : len(tokens)] = torch.tensor(tokens)
    return ids, lengths, torch.tensor([float(label) for _, label in batch])


def collate_right(batch):
    return pad_in_order(sorted(batch, key=lambda pair: len(pair[0]), reverse=True))


def collate_left_padded(batch):
    ids, lengths, labels = collate_right(batch)
    for row, n in enumerate(lengths.tolist()):
        ids[row] = torch.cat([torch.zeros(ids.shape[1] - n, dtype=torch.long), ids[row, :n]])
    return ids, lengths, labels


def collate_unsorted(batch):
    return pad_in_order(batch)


def collate_labels_left_behind(batch):
    ids, lengths, _ = collate_right(batch)
    return ids, lengths, torch.tensor([float(label) for _, label in batch])


def collate_int_labels(batch):
    ids, lengths, labels = collate_right(batch)
    return ids, lengths, labels.long()


def collate_list(batch):
    ids, lengths, labels = collate_right(batch)
    return ids.tolist(), lengths, labels


def make_train_step(order="zbs", train_mode=True, loss="logits", returns="item", clip=None,
                    steps=1, detach=False):
    """A training step, right by default, with one mistake switched on.

    ``order``: the calls in order, z = zero_grad, b = backward, s = step.
    """
    def train_step(model, ids, lengths, labels, optimizer):
        if train_mode:
            model.train()
        logits = model(ids, lengths)
        if detach:
            logits = logits.detach().requires_grad_()
        if loss == "logits":
            value = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        elif loss == "module":
            value = torch.nn.BCEWithLogitsLoss()(logits, labels)
        elif loss == "sigmoid_mse":
            value = ((torch.sigmoid(logits) - labels) ** 2).mean()
        elif loss == "sum":
            value = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels, reduction="sum")
        elif loss == "flipped":
            value = torch.nn.functional.binary_cross_entropy_with_logits(logits, 1 - labels)
        elif loss == "mse_logits":
            value = torch.nn.functional.mse_loss(logits, labels)
        for call in order:
            if call == "z":
                optimizer.zero_grad()
            elif call == "m":
                model.zero_grad()
            elif call == "b":
                value.backward()
            elif call == "s":
                if clip is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
                for _ in range(steps):
                    optimizer.step()
        if returns == "item":
            return value.item()
        if returns == "tensor":
            return value
        if returns == "none":
            return None
        if returns == "nan":
            return float("nan")
        if returns == "first":
            return 0.69
        if returns == "int":
            return round(value.item())
        raise ValueError(returns)
    return train_step


def train_step_new_optimizer(model, ids, lengths, labels, optimizer):
    model.train()
    fresh = torch.optim.Adam(model.parameters(), lr=0.05)   # forgets Adam's moments
    value = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    fresh.zero_grad()
    value.backward()
    fresh.step()
    return value.item()


def train_step_manual_sgd(model, ids, lengths, labels, optimizer):
    model.train()
    value = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    model.zero_grad()
    value.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.05 * p.grad
    return value.item()


def train_step_loss_after_update(model, ids, lengths, labels, optimizer):
    make_train_step()(model, ids, lengths, labels, optimizer)
    with torch.no_grad():
        return torch.nn.functional.binary_cross_entropy_with_logits(
            model(ids, lengths), labels).item()


def make_evaluate(eval_mode=True, no_grad="with", threshold=0.0, scale=1.0, move=True,
                  average="count", restore=None, sigmoid=False, part_eval=False,
                  tensor=False, train_inside=False, labels_flipped=False):
    """An evaluation loop, right by default, with one mistake switched on."""
    import contextlib

    def evaluate_accuracy(model, loader):
        device = next(model.parameters()).device
        if eval_mode:
            model.eval()
        if part_eval:
            model.rnn.eval()
        if no_grad == "global_off":
            torch.set_grad_enabled(False)
        context = {"with": torch.no_grad, "inference": torch.inference_mode,
                   "none": contextlib.nullcontext, "global_off": contextlib.nullcontext}
        correct = total = 0
        accuracies, hits = [], []
        with context[no_grad]():
            for ids, lengths, labels in loader:
                if move:
                    ids, labels = ids.to(device), labels.to(device)
                if train_inside:
                    model.train()
                scores = model(ids, lengths)
                if sigmoid:
                    scores = torch.sigmoid(scores)
                predictions = (scores > threshold).float()
                target = 1 - labels if labels_flipped else labels
                right = (predictions == target)
                hits.append(right)
                correct += right.sum().item()
                total += len(labels)
                accuracies.append(right.float().mean().item())
        if restore == "train":
            model.train()
        if average == "batches":
            result = sum(accuracies) / len(accuracies)
        elif average == "float32_mean":
            result = torch.cat(hits).float().mean().item()
        elif average == "dataset":
            result = correct / len(loader.dataset)
        elif average == "batch_size":
            result = correct / (len(loader) * loader.batch_size)
        else:
            result = correct / total
        result *= scale
        return torch.tensor(result) if tensor else result
    return evaluate_accuracy


def evaluate_constant(model, loader):
    return 0.4792


def evaluate_nan(model, loader):
    return float("nan")


def evaluate_returns_pair(model, loader):
    return 0.5, 0.5


def evaluate_trains(model, loader):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    model.eval()
    correct = total = 0
    for ids, lengths, labels in loader:
        ids, labels = ids.to("cpu"), labels.to("cpu")
        logits = model(ids, lengths)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        correct += ((logits > 0).float() == labels).sum().item()
        total += len(labels)
    return correct / total


CHECKS = {"collate_batch": check_collate_batch, "train_step": check_train_step,
          "evaluate_accuracy": check_evaluate_accuracy}

RIGHT = [
    ("collate_batch", collate_right),
    ("train_step", make_train_step()),
    ("train_step", make_train_step(order="bsz")),              # backward, step, zero_grad
    ("train_step", make_train_step(order="mbs")),              # model.zero_grad()
    ("train_step", make_train_step(loss="module")),
    ("train_step", make_train_step(clip=1.0)),                 # the lesson's clipping
    ("evaluate_accuracy", make_evaluate()),
    ("evaluate_accuracy", make_evaluate(average="float32_mean")),   # float32 rounding
    ("evaluate_accuracy", make_evaluate(no_grad="inference")),
    ("evaluate_accuracy", make_evaluate(average="dataset")),
    ("evaluate_accuracy", make_evaluate(restore="train")),     # puts training mode back after
    ("evaluate_accuracy", make_evaluate(sigmoid=True, threshold=0.5)),
]


@pytest.mark.parametrize(("task", "right"), RIGHT, ids=[f"{t}-{i}" for i, (t, _) in
                                                        enumerate(RIGHT)])
def test_right_answers_pass(task, right, capsys):
    CHECKS[task](right)
    assert f"✓ {task}" in capsys.readouterr().out
    assert torch.is_grad_enabled()


WRONG = [
    ("collate_batch", collate_left_padded, "padding is on the left"),
    ("collate_batch", collate_unsorted, "longest"),
    ("collate_batch", collate_labels_left_behind, "labels do not follow"),
    ("collate_batch", collate_int_labels, "dtype"),
    ("collate_batch", collate_list, "torch tensor"),
    ("train_step", make_train_step(order="bs"), "pile up"),
    ("train_step", make_train_step(order="zb"), "did not change"),
    ("train_step", make_train_step(order="zsb"), "did not change"),
    ("train_step", make_train_step(order="bzs"), "did not change"),
    ("train_step", make_train_step(order="zs"), "did not change"),
    ("train_step", make_train_step(returns="tensor"), "loss.item()"),
    ("train_step", make_train_step(returns="none"), "not NoneType"),
    ("train_step", make_train_step(returns="nan"), "finite"),
    ("train_step", make_train_step(returns="first"), "mean loss of this batch"),
    ("train_step", make_train_step(loss="sigmoid_mse"), "check the loss"),
    ("train_step", make_train_step(loss="sum"), "check the loss"),
    ("train_step", make_train_step(loss="flipped"), "check the loss"),
    ("train_step", make_train_step(loss="mse_logits"), "check the loss"),
    ("train_step", make_train_step(train_mode=False), "model.train()"),
    ("train_step", make_train_step(steps=2), "step() runs once"),
    ("train_step", make_train_step(detach=True), "did not change"),
    ("train_step", make_train_step(clip=0.01), "differ"),
    ("train_step", train_step_new_optimizer, "differ"),
    ("train_step", train_step_manual_sgd, "differ"),
    ("train_step", train_step_loss_after_update, "before the update"),
    ("evaluate_accuracy", make_evaluate(eval_mode=False), "model.eval()"),
    ("evaluate_accuracy", make_evaluate(part_eval=True, eval_mode=False), "model.eval()"),
    ("evaluate_accuracy", make_evaluate(train_inside=True), "model.eval()"),
    ("evaluate_accuracy", make_evaluate(no_grad="none"), "torch.no_grad()"),
    ("evaluate_accuracy", make_evaluate(no_grad="global_off"), "switched off"),
    ("evaluate_accuracy", make_evaluate(move=False), ".to(device)"),
    ("evaluate_accuracy", make_evaluate(scale=100.0), "percentage"),
    ("evaluate_accuracy", make_evaluate(threshold=0.5), "logit is above 0.5"),
    ("evaluate_accuracy", make_evaluate(sigmoid=True), "differs"),
    ("evaluate_accuracy", make_evaluate(average="batches"), "last batch"),
    ("evaluate_accuracy", make_evaluate(average="batch_size"), "differs"),
    ("evaluate_accuracy", make_evaluate(labels_flipped=True), "differs"),
    ("evaluate_accuracy", make_evaluate(tensor=True), ".item()"),
    ("evaluate_accuracy", evaluate_constant, "differs"),
    ("evaluate_accuracy", evaluate_nan, "not a number"),
    ("evaluate_accuracy", evaluate_returns_pair, "not tuple"),
    ("evaluate_accuracy", evaluate_trains, "weights changed"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    with pytest.raises(CheckFailed) as failure:
        CHECKS[task](wrong)
    message = str(failure.value)
    assert hint in message
    assert "expected 0." not in message and "0.4792" not in message  # no expected value
    assert torch.is_grad_enabled()                       # the check put gradients back on


def test_messages_name_a_cause_only_when_it_is_the_cause():
    """A wrong accuracy with the model in evaluation mode is not blamed on model.eval()."""
    for wrong in (make_evaluate(labels_flipped=True), evaluate_constant):
        with pytest.raises(CheckFailed) as failure:
            check_evaluate_accuracy(wrong)
        assert "eval()" not in str(failure.value) and "no_grad" not in str(failure.value)
    with pytest.raises(CheckFailed) as failure:
        check_train_step(make_train_step(loss="sigmoid_mse"))
    assert "zero_grad" not in str(failure.value)


def test_the_check_leaves_the_random_state_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    check_evaluate_accuracy(make_evaluate())
    check_train_step(make_train_step())
    assert torch.equal(torch.get_rng_state(), state)
