"""Lesson 04's pipeline: tokenizer, vocabulary, IMDb reader, batching, model and training loop."""

from __future__ import annotations

import io
import tarfile

import pytest
import torch

from course_utils.batching import BucketSampler, collate
from course_utils.data import DataError
from course_utils.imdb import archive_name, load_imdb, read_reviews
from course_utils.sentiment import SentimentRNN
from course_utils.text import Vocab, tokenize
from course_utils.training import evaluate, fit


def test_tokenize_lowercases_drops_line_breaks_and_keeps_emphasis():
    text = "Great film!<br /><br />I didn't LIKE the end?? 10/10"
    assert tokenize(text) == ["great", "film", "!", "i", "didn't", "like", "the", "end",
                              "?", "?", "10", "10"]


def test_vocab_orders_by_frequency_and_maps_unknowns():
    vocab = Vocab.build([["b", "a", "b"], ["c", "b", "a"], ["d"]], min_freq=2)
    assert vocab.itos == ["<pad>", "<unk>", "b", "a"]
    assert vocab.encode(["a", "zzz", "b"]) == [3, 1, 2]
    assert vocab.decode([2, 0, 3, 0]) == ["b", "a"]
    assert len(Vocab.build([["x", "y", "y", "x", "z", "z"]], min_freq=1, max_size=4)) == 4


def test_vocab_survives_a_round_trip(tmp_path):
    vocab = Vocab.build([tokenize("एक दो दो 三 三 три три")], min_freq=2)
    vocab.save(tmp_path / "vocab.json")
    assert Vocab.load(tmp_path / "vocab.json").itos == vocab.itos


@pytest.mark.parametrize("tokens", [["a", "b"], ["<pad>", "<unk>", "a", "a"]])
def test_vocab_refuses_a_broken_token_list(tokens):
    with pytest.raises(ValueError, match="<pad>"):
        Vocab(tokens)


def make_tarball(path, reviews):
    """An aclImdb-style tarball with (split, sentiment, id, rating, text) entries."""
    with tarfile.open(path, "w:gz") as tar:
        for split, sentiment, number, rating, text in reviews:
            data = text.encode("utf-8")
            info = tarfile.TarInfo(f"aclImdb/{split}/{sentiment}/{number}_{rating}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("aclImdb/README")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))


def test_reviews_are_read_from_the_tarball_in_a_fixed_order(tmp_path):
    path = tmp_path / "imdb.tar.gz"
    make_tarball(path, [("train", "pos", 10, 9, "Loved it"), ("train", "neg", 2, 1, "Awful"),
                        ("train", "pos", 3, 8, "Fine<br />fun"), ("test", "neg", 0, 3, "Meh")])
    reviews = read_reviews(path)
    assert [(r.label, r.rating) for r in reviews["train"]] == [(0, 1), (1, 8), (1, 9)]
    assert reviews["test"][0].text == "Meh"


def test_a_damaged_tarball_is_explained(tmp_path):
    path = tmp_path / "imdb.tar.gz"
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(DataError, match="Delete"):
        read_reviews(path)


def test_a_tarball_without_reviews_is_explained(tmp_path):
    path = tmp_path / "imdb.tar.gz"
    make_tarball(path, [])
    with pytest.raises(DataError, match="no IMDb reviews"):
        read_reviews(path)


def test_the_profile_picks_the_tarball(monkeypatch, tmp_path):
    assert archive_name("ci") == "imdb_mini_3k"
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert archive_name("full") == "imdb_official"
    (tmp_path / "imdb").mkdir()
    (tmp_path / "imdb" / "aclImdb_labeled_v1.tar.gz").write_bytes(b"")
    assert archive_name("full") == "imdb_labeled"


def test_the_ci_sample_loads_from_the_shared_data():
    reviews = load_imdb("ci")
    assert len(reviews["train"]) == 2000 and len(reviews["test"]) == 1000
    assert sum(r.label for r in reviews["train"]) == 1000
    assert all((r.rating >= 7) == bool(r.label) for r in reviews["test"])


def test_collate_sorts_longest_first_and_pads_on_the_right():
    ids, lengths, labels = collate([([5, 6], 1), ([7, 8, 9, 4], 0), ([3], 1)])
    assert ids.tolist() == [[7, 8, 9, 4], [5, 6, 0, 0], [3, 0, 0, 0]]
    assert lengths.tolist() == [4, 2, 1] and labels.tolist() == [0.0, 1.0, 1.0]


def test_collate_refuses_empty_sequences():
    with pytest.raises(ValueError, match="empty"):
        collate([([1, 2], 1), ([], 0)])


def test_bucket_sampler_covers_every_index_once_in_similar_lengths():
    lengths = torch.randint(1, 500, (1000,), generator=torch.Generator().manual_seed(0))
    sampler = BucketSampler(lengths.tolist(), 32, pool=10, seed=1)
    first, second = list(sampler), list(sampler)
    assert sorted(i for batch in first for i in batch) == list(range(1000))
    assert len(first) == len(sampler) == 32 and first != second
    spread = [max(lengths[b]) - min(lengths[b]) for b in first]
    assert sum(spread) / len(spread) < 60                 # random batches: about 480
    assert list(BucketSampler(lengths.tolist(), 32, pool=10, seed=1)) == first


@pytest.mark.parametrize(("cell", "bidirectional", "layers"),
                         [("rnn", False, 1), ("lstm", True, 2), ("gru", False, 2)])
def test_the_model_reads_only_the_real_tokens(cell, bidirectional, layers):
    torch.manual_seed(0)
    model = SentimentRNN(30, 8, 6, cell=cell, layers=layers, bidirectional=bidirectional,
                         dropout=0.5).eval()
    ids, lengths, _ = collate([([3, 4, 5, 6, 7], 1), ([8, 9], 0)])
    together = model(ids, lengths)
    alone = torch.cat([model(ids[i:i + 1, :n], lengths[i:i + 1]) for i, n in enumerate([5, 2])])
    assert together.shape == (2,) and torch.allclose(together, alone, atol=1e-6)


def toy_loaders(n=512, seed=0):
    """Sequences of tokens 2..9; the label says whether token 5 occurs."""
    g = torch.Generator().manual_seed(seed)
    data = []
    for _ in range(n):
        ids = torch.randint(2, 10, (int(torch.randint(3, 12, (1,), generator=g)),),
                            generator=g).tolist()
        data.append((ids, int(5 in ids)))
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=False, collate_fn=collate)
    return loader, torch.utils.data.DataLoader(data[:128], batch_size=64, collate_fn=collate)


def test_fit_learns_keeps_the_best_epoch_and_stops_early(capsys):
    torch.manual_seed(0)
    train, val = toy_loaders()
    model = SentimentRNN(10, 8, 16, cell="gru", dropout=0.0)
    history = fit(model, train, val, epochs=30, lr=1e-2, patience=2, device="cpu",
                  progress=False)
    assert history.best_accuracy > 0.95
    assert len(history.val_accuracy) < 30                  # stopped early
    assert history.val_accuracy[history.best_epoch - 1] == max(history.val_accuracy)
    assert evaluate(model, val, device="cpu")[1] == history.best_accuracy
    assert "stopping early" in capsys.readouterr().out


def test_a_diverging_loss_is_explained():
    train, val = toy_loaders(64)
    model = SentimentRNN(10, 4, 4, dropout=0.0)
    with torch.no_grad():
        model.out.weight.fill_(float("nan"))
    with pytest.raises(FloatingPointError, match="learning rate"):
        fit(model, train, val, epochs=1, device="cpu", progress=False, log=None)


def test_reverse_padded_flips_only_the_real_steps():
    from course_utils.sentiment import reverse_padded

    x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])[..., None].float()
    flipped = reverse_padded(x, torch.tensor([3, 2]))[..., 0]
    assert flipped[0, :3].tolist() == [3, 2, 1] and flipped[1, :2].tolist() == [5, 4]


def test_the_bidirectional_model_sees_both_ends():
    torch.manual_seed(0)
    model = SentimentRNN(20, 4, 5, cell="lstm", bidirectional=True, dropout=0.0).eval()
    ids, lengths, _ = collate([([3, 4, 5, 6], 1)])
    changed_first, changed_last = ids.clone(), ids.clone()
    changed_first[0, 0], changed_last[0, 3] = 9, 9
    base = model(ids, lengths)
    # the last token reaches both directions' read-outs, the first token too
    assert not torch.allclose(model(changed_first, lengths), base)
    assert not torch.allclose(model(changed_last, lengths), base)
    assert sum(p.numel() for p in model.rnn_back.parameters()) == sum(
        p.numel() for p in model.rnn.parameters())


def test_the_lesson_writes_the_same_model():
    import inspect

    from course_utils.sentiment import BagOfNgrams, reverse_padded
    from tools import nbfiles

    from .helpers import ROOT

    cells = [nbfiles.source(c) for c in
             nbfiles.read(ROOT / "notebooks" / "en" / "04_sentiment_pytorch.ipynb")["cells"]]
    for name, objects in (("class SentimentRNN", (reverse_padded, SentimentRNN)),
                          ("class BagOfNgrams", (BagOfNgrams,))):
        cell = next(c for c in cells if name in c)
        for obj in objects:
            assert inspect.getsource(obj).rstrip() in cell


def test_tokenize_keeps_vowel_signs_inside_hindi_and_bengali_words():
    assert tokenize("हिन्दी भाषा। বাংলা ভাষা!") == ["हिन्दी", "भाषा", "বাংলা", "ভাষা", "!"]


def test_occlusion_scores_the_word_that_decides():
    from course_utils.attribution import NEGATIVE, POSITIVE, coloured_html, occlusion

    class Counts(torch.nn.Module):
        """A 'model' whose logit counts token 7 minus token 8."""

        def forward(self, ids, lengths):
            return (ids == 7).sum(1).float() - (ids == 8).sum(1).float()

    scores = occlusion(Counts(), [3, 7, 8, 7], device="cpu", batch=3)
    assert scores == [0.0, 1.0, -1.0, 1.0]
    html = coloured_html(["a", "good", "<bad>", "good"], scores)
    assert html.count("<span") == 4 and "&lt;bad&gt;" in html
    assert f"rgba({POSITIVE}, 1.00)" in html and f"rgba({NEGATIVE}, 1.00)" in html


def seeded_fit(shared_loader=None, threads=None):
    """A tiny seeded GRU fit; returns its final weights as one vector."""
    from course_utils.batching import make_loader

    g = torch.Generator().manual_seed(0)
    data = [(torch.randint(2, 30, (int(n),), generator=g).tolist(), int(n) % 2)
            for n in torch.randint(5, 40, (200,), generator=g)]
    torch.manual_seed(0)
    model = SentimentRNN(30, 8, 12, cell="gru", dropout=0.3)
    loader = shared_loader or make_loader(data, 16, seed=0)
    fit(model, loader, make_loader(data[:64], 64, shuffle=False), epochs=2, lr=1e-2,
        patience=5, device="cpu", progress=False, log=None)
    return torch.cat([p.detach().flatten() for p in model.parameters()]), loader


def test_a_seeded_fit_repeats_exactly():
    first, loader = seeded_fit()
    again, _ = seeded_fit()
    assert torch.equal(first, again)
    # a loader that an earlier model used gives the later one the same batches
    after_another, _ = seeded_fit(loader)
    assert torch.equal(first, after_another)


def test_the_bucket_sampler_order_depends_on_seed_and_epoch_only():
    lengths = torch.randint(1, 50, (300,), generator=torch.Generator().manual_seed(0)).tolist()
    sampler = BucketSampler(lengths, 16, seed=3)
    first, second = list(sampler), list(sampler)
    assert first != second                                # a new order each epoch
    sampler.set_epoch(1)
    assert list(sampler) == second
    assert list(BucketSampler(lengths, 16, seed=4)) != first


def test_the_baseline_reads_only_real_tokens_and_learns_a_word_pair():
    from course_utils.sentiment import BagOfNgrams

    model = BagOfNgrams(10, buckets=64)
    with torch.no_grad():
        model.weight.weight.normal_()
    ids, lengths, _ = collate([([3, 4, 5, 6], 1), ([8, 9], 0)])
    together = model(ids, lengths)
    alone = torch.cat([model(ids[i:i + 1, :n], lengths[i:i + 1]) for i, n in enumerate([4, 2])])
    assert torch.allclose(together, alone, atol=1e-6)
    # "not good" (2, 3) is negative, "good" alone and "not" alone are positive: order matters
    data = [([2, 3], 0), ([3], 1), ([2], 1), ([4, 2, 3], 0), ([3, 4], 1), ([2, 4], 1)] * 20
    loader = torch.utils.data.DataLoader(data, batch_size=24, collate_fn=collate)
    torch.manual_seed(0)
    model = BagOfNgrams(5, buckets=32)
    history = fit(model, loader, loader, epochs=60, lr=0.3, weight_decay=0.0, patience=60,
                  device="cpu", progress=False, log=None)
    assert history.best_accuracy == 1.0
