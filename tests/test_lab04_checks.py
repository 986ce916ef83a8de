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


def train_step_right(model, ids, lengths, labels, optimizer):
    model.train()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def train_step_no_zero_grad(model, ids, lengths, labels, optimizer):
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    loss.backward()
    optimizer.step()
    return loss.item()


def train_step_no_step(model, ids, lengths, labels, optimizer):
    optimizer.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    loss.backward()
    return loss.item()


def train_step_returns_tensor(model, ids, lengths, labels, optimizer):
    optimizer.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, lengths), labels)
    loss.backward()
    optimizer.step()
    return loss


def train_step_sigmoid_mse(model, ids, lengths, labels, optimizer):
    optimizer.zero_grad()
    loss = ((torch.sigmoid(model(ids, lengths)) - labels) ** 2).mean()
    loss.backward()
    optimizer.step()
    return loss.item()


def make_evaluate(eval_mode=True, no_grad=True, threshold=0.0, scale=1.0):
    """An evaluation loop, right by default, with one mistake switched on."""
    import contextlib

    def evaluate_accuracy(model, loader):
        if eval_mode:
            model.eval()
        correct = total = 0
        with torch.no_grad() if no_grad else contextlib.nullcontext():
            for ids, lengths, labels in loader:
                correct += ((model(ids, lengths) > threshold).float() == labels).sum().item()
                total += len(labels)
        return scale * correct / total
    return evaluate_accuracy


evaluate_right = make_evaluate()


CHECKS = {"collate_batch": check_collate_batch, "train_step": check_train_step,
          "evaluate_accuracy": check_evaluate_accuracy}


@pytest.mark.parametrize(("task", "right"), [("collate_batch", collate_right),
                                             ("train_step", train_step_right),
                                             ("evaluate_accuracy", evaluate_right)])
def test_right_answers_pass(task, right, capsys):
    CHECKS[task](right)
    assert f"✓ {task}" in capsys.readouterr().out


WRONG = [
    ("collate_batch", collate_left_padded, "padding is on the left"),
    ("collate_batch", collate_unsorted, "longest"),
    ("collate_batch", collate_labels_left_behind, "labels do not follow"),
    ("collate_batch", collate_int_labels, "dtype"),
    ("collate_batch", collate_list, "torch tensor"),
    ("train_step", train_step_no_zero_grad, "zero_grad"),
    ("train_step", train_step_no_step, "optimizer.step()"),
    ("train_step", train_step_returns_tensor, "loss.item()"),
    ("train_step", train_step_sigmoid_mse, "not those of this batch"),
    ("evaluate_accuracy", make_evaluate(eval_mode=False), "model.eval()"),
    ("evaluate_accuracy", make_evaluate(no_grad=False), "torch.no_grad()"),
    ("evaluate_accuracy", make_evaluate(scale=100.0), "percentage"),
    ("evaluate_accuracy", make_evaluate(threshold=0.5), "expected"),
]


@pytest.mark.parametrize(("task", "wrong", "hint"), WRONG,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_plausible_mistakes_fail_with_a_useful_message(task, wrong, hint):
    with pytest.raises(CheckFailed) as failure:
        CHECKS[task](wrong)
    assert hint in str(failure.value)
