"""Training on several processes (torchrun, DDP with gloo on loopback) and streaming windows from shards.

A real ``torchrun --nproc-per-node 2`` trains a tiny model on a real shard folder (``sidl encode``'s) and
must end with the weights one process ends with on the same data; it stops after one epoch and resumes,
as after a lost node. The loader's contracts are checked on the same corpus: the windows are those
``cut_windows`` cuts, an epoch reads each once, the ranks' shares are disjoint and equal in number, and
reading an epoch holds a batch in memory, not the corpus.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from sidl.bridge.codecs import get_codec
from sidl.bridge.errors import DatasetError, ParameterError
from sidl.bridge.shards.encode import encode_corpus
from sidl.bridge.shards.store import ShardSet
from sidl.models.bench_train import launch_command, run_train_bench
from sidl.models.config import ModelConfig
from sidl.models.datasets import cut_windows, discover, encode_items
from sidl.models.distributed import (
    PENDING_DIR,
    PENDING_DONE,
    DistEnv,
    commit_checkpoint,
    detect,
    recover_checkpoint,
    share_bounds,
    share_weight,
)
from sidl.models.pursuit_fit import PursuitFitConfig
from sidl.models.shard_data import EpochBatches, ShardWindows, WindowGeometry, WindowTable, bar_grids
from sidl.models.train import DenoiseConfig, TrainConfig, apply_corruption, corrupt_batch, draw_noise, train
from tests.conftest import write_gmd_like

ROOT = Path(__file__).resolve().parents[2]
WINDOW, HOP = 32, 16  # 2 bars every bar, as the tiny config cuts them


def tiny_config(**overrides: object) -> TrainConfig:
    model = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16, wta_axis="bar", k=2,
                        output="linear", atom_norm="unit")
    cfg = TrainConfig(codec="drums", model=model, loss="mse", epochs=3, batch_size=7, window_bars=2, hop_bars=1,
                      denoise=DenoiseConfig(), k_random=[1, 2], seed=5)
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return cfg


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(MIDI folder, shard folder with one shard per file, training config file)."""
    root = tmp_path_factory.mktemp("ddp")
    midi = write_gmd_like(root / "gmd", n_train=9, n_val=2, bars=12)
    config = root / "tiny.json"
    config.write_text(json.dumps({"train": tiny_config().to_dict()}), encoding="utf-8")
    encode_corpus(midi, root / "shards", model=str(config), workers=1, shard_mb=0.004)
    return midi, root / "shards", config


def _table(shards: ShardSet, split: str = "train") -> WindowTable:
    hit_rows = get_codec("drums").hit_rows.stop
    return WindowTable.build(shards, shards.select(split), WindowGeometry(WINDOW, HOP, hit_rows))


def test_the_shard_windows_are_the_windows_training_cuts_from_midi(corpus: tuple[Path, Path, Path]) -> None:
    midi, folder, _ = corpus
    shards = ShardSet.open(folder)
    assert shards.shard_count() > 4  # the corpus really is spread over shards
    table = _table(shards)
    streamed = ShardWindows(shards, table, WINDOW).read(np.arange(len(table))).numpy()
    codec = get_codec("drums")
    cut = cut_windows(encode_items(discover(midi, "train"), codec).grids, WINDOW, HOP, hit_rows=codec.hit_rows.stop)
    assert streamed.shape == cut.shape
    assert sorted(w.tobytes() for w in streamed) == sorted(w.tobytes() for w in cut)


def test_an_epoch_reads_every_window_once_in_disjoint_equal_rank_shares(corpus: tuple[Path, Path, Path]) -> None:
    shards = ShardSet.open(corpus[1])
    table = _table(shards)
    source = ShardWindows(shards, table, WINDOW, shuffle_buffer=5, interleave=2)  # a buffer far smaller than the corpus
    order = source.order(torch.Generator().manual_seed(1))
    assert sorted(order.tolist()) == list(range(len(table))) and order.tolist() != sorted(order.tolist())
    assert not np.array_equal(order, source.order(torch.Generator().manual_seed(2)))  # another epoch, another order
    shard_of = table.shard_of()
    batch = next(b for b in range(5, 50) if len(order) % b == 1)  # the last global batch holds one window
    ranks = [list(EpochBatches(source, order, batch, DistEnv(rank=r, world=2))) for r in range(2)]
    assert len(ranks[0]) == len(ranks[1]) > 2  # the same number of steps on every rank: nobody waits at the end
    assert len(ranks[1][-1].indices) == 0 and len(ranks[1][-1].windows) == 0  # rank 1's share of it is empty
    seen = [np.concatenate([b.indices for b in batches]).tolist() for batches in ranks]
    assert not set(seen[0]) & set(seen[1])
    assert sorted(seen[0] + seen[1]) == list(range(len(order)))  # every window once
    for i, (a, b) in enumerate(zip(*ranks)):  # rank 0 holds the first half of each global batch, rank 1 the second
        assert a.total == b.total and a.hi == b.lo and b.hi == a.total
        assert np.array_equal(np.concatenate([a.indices, b.indices]), order[batch * i : batch * i + a.total])
        assert torch.equal(a.windows, source.read(a.indices))
    assert any(len(set(shard_of[np.concatenate([a.indices, b.indices])])) > 1 for a, b in zip(*ranks))


def test_reading_an_epoch_holds_batches_not_the_corpus(corpus: tuple[Path, Path, Path]) -> None:
    shards = ShardSet.open(corpus[1])
    table = _table(shards)
    source = ShardWindows(shards, table, WINDOW)
    assert isinstance(shards.shard(0), np.memmap)
    corpus_bytes = len(table) * shards.channels * WINDOW * 4
    tracemalloc.start()
    try:
        read = sum(len(b.indices) for b in EpochBatches(source, source.order(torch.Generator()), 4, DistEnv()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == len(table)
    assert peak < corpus_bytes / 8, (peak, corpus_bytes)


def test_ranks_take_fixed_shares_and_weight_them_into_the_global_mean() -> None:
    assert [share_bounds(7, DistEnv(rank=r, world=3)) for r in range(3)] == [(0, 3), (3, 5), (5, 7)]
    grads = torch.randn(7)
    shares = [share_bounds(7, DistEnv(rank=r, world=3)) for r in range(3)]
    averaged = sum(grads[lo:hi].mean() * share_weight(hi - lo, 7, DistEnv(world=3)) for lo, hi in shares) / 3
    assert torch.allclose(averaged, grads.mean())
    assert [share_bounds(1, DistEnv(rank=r, world=2)) for r in range(2)] == [(0, 1), (1, 1)]  # nobody skips a step


def test_noise_drawn_for_the_global_batch_corrupts_a_window_the_same_on_any_rank() -> None:
    x = (torch.rand(6, 27, 32, generator=torch.Generator().manual_seed(0)) > 0.8).float()
    whole = corrupt_batch(x, DenoiseConfig(), "drums", torch.Generator().manual_seed(4))
    noise = draw_noise(6, 27, 32, "drums", torch.Generator().manual_seed(4))
    halves = [apply_corruption(x[lo:hi], noise.rows(lo, hi), DenoiseConfig(), "drums") for lo, hi in ((0, 3), (3, 6))]
    assert torch.equal(torch.cat(halves), whole) and not torch.equal(whole, x)


def test_the_environment_torchrun_sets_is_read() -> None:
    assert detect({}) == DistEnv()
    env = detect({"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "2",
                  "TORCHELASTIC_RESTART_COUNT": "1"})
    assert (env.rank, env.world, env.local_rank, env.local_world, env.restarts, env.is_main) == (3, 4, 1, 2, 1, False)
    with pytest.raises(ParameterError, match="RANK=4"):
        detect({"RANK": "4", "WORLD_SIZE": "4"})


def test_a_checkpoint_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    def writer(text: str):  # noqa: ANN202 - a tiny closure
        def write(folder: Path) -> None:
            (folder / "model.safetensors").write_text(text)
            (folder / "train_state.json").write_text(text)
        return write

    commit_checkpoint(tmp_path, writer("epoch 0"))
    assert not (tmp_path / PENDING_DIR).exists() and (tmp_path / "train_state.json").read_text() == "epoch 0"
    pending = tmp_path / PENDING_DIR
    pending.mkdir()
    (pending / "model.safetensors").write_text("epoch 1, half written")  # a crash before the mark
    assert not recover_checkpoint(tmp_path)
    assert (tmp_path / "model.safetensors").read_text() == "epoch 0" and not pending.exists()
    pending.mkdir()
    (pending / "train_state.json").write_text("epoch 1")  # complete, crashed after moving the weights
    (pending / PENDING_DONE).write_text("complete\n")
    (tmp_path / "model.safetensors").write_text("epoch 1")
    assert recover_checkpoint(tmp_path)
    assert (tmp_path / "train_state.json").read_text() == "epoch 1" and not pending.exists()


def _torchrun(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
               "-m", "sidl.cli", "train", "drums", *args, "--threads", "1", "--device", "cpu", "--no-progress"]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(str(folder / "model.safetensors"))


def _assert_same_model(a: Path, b: Path) -> None:
    wa, wb = _weights(a), _weights(b)
    assert wa.keys() == wb.keys()
    for name in wa:
        assert torch.allclose(wa[name], wb[name], atol=1e-5), (name, (wa[name] - wb[name]).abs().max())
    ha = json.loads((a / "train_state.json").read_text())["progress"]["history"]
    hb = json.loads((b / "train_state.json").read_text())["progress"]["history"]
    assert [h["epoch"] for h in ha] == [h["epoch"] for h in hb]
    for x, y in zip(ha, hb):
        assert x["train_loss"] == pytest.approx(y["train_loss"], rel=1e-5)
        assert x["val_loss"] == pytest.approx(y["val_loss"], rel=1e-5)


@pytest.mark.slow
def test_two_processes_under_torchrun_train_what_one_does_and_resume_a_stopped_run(
        corpus: tuple[Path, Path, Path], tmp_path: Path) -> None:
    midi, shards, config = corpus
    # a MIDI folder, windows in memory: two processes end where one ends
    train(tiny_config(epochs=1), midi, tmp_path / "one-midi", progress=False)
    first = _torchrun(["--data", str(midi), "--config", str(config), "--out", str(tmp_path / "two-midi"),
                       "--epochs", "1"], tmp_path)
    summary = json.loads(first.stdout)  # rank 0 alone printed its summary
    assert summary["processes"] == 2 and summary["epochs"] == 1
    _assert_same_model(tmp_path / "one-midi", tmp_path / "two-midi")
    # a shard folder, streamed: a run stopped after epoch 0 (as when a node is lost) and relaunched with
    # --resume ends where an uninterrupted run ends, here even on another number of processes
    train(tiny_config(epochs=1), shards, tmp_path / "stopped", progress=False)
    train(tiny_config(epochs=3), shards, tmp_path / "uninterrupted", progress=False)
    resumed = _torchrun(["--data", str(shards), "--config", str(config), "--out", str(tmp_path / "stopped"),
                         "--epochs", "3", "--resume"], tmp_path)
    assert json.loads(resumed.stdout)["train_windows"] % 7 == 1  # odd shares (4 + 3), and a last batch of one
    _assert_same_model(tmp_path / "uninterrupted", tmp_path / "stopped")
    assert json.loads((tmp_path / "stopped" / "config.json").read_text())["processes"] == 2
    assert not (tmp_path / "stopped" / PENDING_DIR).exists() and (tmp_path / "stopped" / "loss.png").is_file()


def test_a_restarted_group_resumes_from_its_checkpoint(corpus: tuple[Path, Path, Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, shards, _ = corpus
    train(tiny_config(epochs=1), shards, tmp_path / "run", progress=False)
    with pytest.raises(ParameterError, match="--resume"):
        train(tiny_config(epochs=2), shards, tmp_path / "run", progress=False)
    # torchrun tells a restarted worker how often the group restarted: the run then resumes by itself
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("TORCHELASTIC_RESTART_COUNT", "1")
    summary = train(tiny_config(epochs=2), shards, tmp_path / "run", progress=False)
    history = json.loads((tmp_path / "run" / "train_state.json").read_text())["progress"]["history"]
    assert [h["epoch"] for h in history] == [0, 1] and summary["epochs"] == 2


def test_shards_of_another_codec_are_refused_by_name(corpus: tuple[Path, Path, Path], tmp_path: Path) -> None:
    piano = get_codec("piano")
    model = ModelConfig(layout="piano", in_channels=piano.channels, atoms=8, kernel=8, stride=8, wta_axis="bar", k=2,
                        steps_per_bar=32, output="linear")
    cfg = tiny_config(codec="piano", model=model)
    with pytest.raises(DatasetError, match="encoded with codec 'drums'"):
        train(cfg, corpus[1], tmp_path / "run", progress=False)


def test_the_benchmark_launches_what_users_run_and_checks_its_counts(corpus: tuple[Path, Path, Path]) -> None:
    assert launch_command(1, ["drums"])[1:] == ["-m", "sidl.cli", "train", "drums"]
    assert launch_command(2, ["drums"])[1:] == ["-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2",
                                                 "-m", "sidl.cli", "train", "drums"]
    with pytest.raises(ParameterError, match="--procs"):
        run_train_bench("drums", str(corpus[1]), str(corpus[2]), procs=[0, 2])


def test_the_pursuit_fit_reads_a_bounded_sample_of_bars_from_shards(corpus: tuple[Path, Path, Path],
                                                                   tmp_path: Path) -> None:
    shards = ShardSet.open(corpus[1])
    files = shards.select("train")
    whole = bar_grids(shards, files, 16, max_bars=10_000, seed=0)
    assert [g.tobytes() for g in whole] == [shards.grid(f).tobytes() for f in files]
    sample = bar_grids(shards, files, 16, max_bars=20, seed=0)
    assert len(sample) == 20 and all(g.shape == (27, 16) for g in sample)
    bars = {g[:, s : s + 16].tobytes() for g in whole for s in range(0, g.shape[1], 16)}
    assert all(g.tobytes() in bars for g in sample)
    model = ModelConfig(layout="drums", in_channels=27, atoms=16, kernel=16, stride=16, wta_axis="bar", k=2,
                        output="linear", atom_norm="unit", inference_coder="pursuit")
    cfg = tiny_config(epochs=1, model=model, pursuit_fit=PursuitFitConfig(rounds=1, budgets=[2], max_bars=20))
    summary = train(cfg, corpus[1], tmp_path / "run", progress=False)
    assert [r["round"] for r in summary["pursuit_fit"]] == [0]
