"""Held-out evaluation at MIDI level: ``sidl eval``.

Every system (our model, the seed-faithful model, classical patch dictionary learning with OMP, the
identity and grid-snap references) is scored by the same code on whole files of a split:

- **reconstruction** at atom budgets B = non-zero code entries per bar (1, 2, 4, 8 by default):
  hit precision/recall/F1 on (class, 16th step) cells, velocity MAE (0–127) and timing MAE (ms) on
  matched hits;
- **denoising**: each clean file is corrupted deterministically (10 % of hits deleted, 10 % spurious
  hits with velocity 20–100, onsets jittered with σ = 15 ms), the system reconstructs the noisy grid,
  and the score is F1(clean, output) − F1(clean, noisy): above zero means the system removed more
  damage than it added.

A budget is enforced on a CONV-WTA model by keeping the B strongest positive activations of each bar
(:func:`models.wta.topk_bar`); a model trained with top-k over atoms per column is instead run at
k = B / columns-per-bar whenever that is a whole number (its native rule, which suits it better).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from sidl.bridge.codecs import Codec, get_codec, load_score
from sidl.bridge.geometry import winners_for
from sidl.bridge.errors import MidiFileError, ParameterError, UnsupportedMeterError
from sidl.models.autoencoder import ConvWTAAutoencoder
from sidl.models.checkpoint import SHIPPED_DIR, load_config, load_weights, resolve_model_dir
from sidl.models.config import ModelConfig
from sidl.bridge.corruption import file_seed
from sidl.models.datasets import discover, encode_items
from sidl.models.evaluation import (
    GridSnapBaseline,
    IdentityBaseline,
    PatchDictionaryBaseline,
    corrupt_drums,
    drum_metrics,
    merge_scores,
    piano_metrics,
    step_seconds,
)

log = logging.getLogger(__name__)

def shipped_omp(codec: Codec) -> Path:
    """Where a shipped classical-baseline fit for ``codec`` lives (``omp-<codec>``), if there is one."""
    return SHIPPED_DIR / f"omp-{codec.name}" / "dictionary.npz"


def seed_reference(codec: Codec) -> str:
    """The shipped seed-faithful model of ``codec`` compared against (``seed-<codec>``), if shipped."""
    return f"seed-{codec.name}"


class GridSystem(Protocol):
    """Anything that maps a (C, T) grid to a (C, T) grid, optionally under an atom budget per bar."""

    name: str

    def reconstruct(self, grid: np.ndarray, budget: int | None) -> np.ndarray: ...


@dataclass
class LoadedModel:
    """A trained CONV-WTA checkpoint ready for inference (always in eval mode)."""

    name: str
    model: ConvWTAAutoencoder
    config: dict[str, Any]

    @classmethod
    def load(cls, name_or_path: str | Path) -> LoadedModel:
        model_dir = resolve_model_dir(name_or_path)
        config = load_config(model_dir)
        model = ConvWTAAutoencoder(ModelConfig.from_dict(config["train"]["model"]))
        model.load_state_dict(load_weights(model_dir))
        model.eval()  # the seed forgot this: dropout must be off when coding
        return cls(model_dir.name, model, config)

    @property
    def codec_name(self) -> str:
        return str(self.config["train"]["codec"])

    @property
    def codec_options(self) -> dict[str, Any]:
        return dict(self.config["train"].get("codec_options") or {})

    def _pad(self, grid: np.ndarray) -> tuple[torch.Tensor, int]:
        unit = self.model.config.steps_per_bar
        t = grid.shape[1]
        padded = int(np.ceil(t / unit) * unit) or unit
        x = torch.from_numpy(np.pad(grid, ((0, 0), (0, padded - t))).astype(np.float32))[None]
        return x, t

    @torch.no_grad()
    def code(self, grid: np.ndarray, budget: int | None = None) -> torch.Tensor:
        """The sparse code (1, atoms, T') of a whole grid, under the budget (None: as trained)."""
        x, _ = self._pad(grid)
        cfg = self.model.config
        if budget is None:
            return self.model.encode(x)
        columns_per_bar = cfg.steps_per_bar // cfg.stride
        native = winners_for(budget, wta_axis=cfg.wta_axis, columns_per_bar=columns_per_bar)
        if cfg.wta_axis == "atoms" and cfg.kernel == cfg.stride and native is not None:
            return self.model.encode(x, k=native, axis="atoms")
        return self.model.encode(x, k=budget, axis="bar")

    @torch.no_grad()
    def reconstruct(self, grid: np.ndarray, budget: int | None) -> np.ndarray:
        x, t = self._pad(grid)
        out = self.model.decode(self.code(grid, budget))
        return out[0, :, :t].numpy()


@dataclass
class OmpSystem:
    name: str
    baseline: PatchDictionaryBaseline

    def reconstruct(self, grid: np.ndarray, budget: int | None) -> np.ndarray:
        return self.baseline.reconstruct(grid, budget or 4)


@dataclass
class FixedSystem:
    """Identity or grid snap: no budget applies."""

    name: str
    impl: Any

    def reconstruct(self, grid: np.ndarray, budget: int | None) -> np.ndarray:
        return self.impl.reconstruct(grid)


@dataclass
class EvalFile:
    path: Path
    clean: np.ndarray
    noisy: np.ndarray | None
    step_seconds: np.ndarray


@dataclass
class EvalSet:
    files: list[EvalFile] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EvalKind:
    """How grids are scored, by what their third channel group means (``timing``: hits with
    micro-timing, scored per (row, step) cell with timing errors in ms, and a denoising benchmark on
    damaged copies; ``hold``: onsets and sounding frames)."""

    score: Callable[[np.ndarray, np.ndarray, EvalFile, int], Any]  # (clean, estimate, file, steps per beat)
    corrupt: bool  # damaged copies of each file are scored too (the denoising benchmark)
    grid_snap: bool  # the grid-snap reference applies
    report_key: str  # a key of this kind's per-budget entries, to tell the kind of a stored report
    head: str
    row: Callable[[str, str, dict[str, Any]], str]


def _hit_row(name: str, budget: str, r: dict[str, Any]) -> str:
    d = r.get("denoise", {})
    return (f"| {name} | {budget} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
            f"{_num(r['velocity_mae']):.1f} | {_num(r['timing_mae_ms']):.1f} | {d.get('f1_output', float('nan')):.3f} | "
            f"{d.get('score', float('nan')):+.3f} |")


def _onset_row(name: str, budget: str, r: dict[str, Any]) -> str:
    return (f"| {name} | {budget} | {r['onset_precision']:.3f} | {r['onset_recall']:.3f} | "
            f"{r['onset_f1']:.3f} | {_num(r['velocity_mae']):.1f} | {r['frame_f1']:.3f} |")


EVAL_KINDS: dict[str, EvalKind] = {
    "timing": EvalKind(
        score=lambda clean, est, f, spb: drum_metrics(clean, est, f.step_seconds), corrupt=True, grid_snap=True,
        report_key="precision",
        head="| system | budget/bar | hit P | hit R | hit F1 | vel MAE | timing MAE ms | denoise F1 out | denoise score |",
        row=_hit_row),
    "hold": EvalKind(
        score=lambda clean, est, f, spb: piano_metrics(clean, est, spb), corrupt=False, grid_snap=False,
        report_key="onset_precision",
        head="| system | budget/bar | onset P | onset R | onset F1 | vel MAE | frame F1 |",
        row=_onset_row),
}


def eval_kind(codec: Codec) -> EvalKind:
    """How ``codec``'s grids are scored."""
    role = codec.grid_layout.third.role
    if role not in EVAL_KINDS:
        raise ParameterError(f"no evaluation for grids whose third group is {role!r}")
    return EVAL_KINDS[role]


def load_eval_set(data_dir: str | Path, split: str, codec: Any, *, corrupt: bool, max_files: int | None,
                  corruption_seed: int = 0) -> EvalSet:
    """Encode every file of the split (clean, and noisy with ``corrupt``), counting what had to be
    skipped; ``corruption_seed`` picks another deterministic damage of the same files."""
    items = discover(data_dir, split)
    if max_files:
        items = items[:max_files]
    out = EvalSet()
    for index, item in enumerate(items):
        try:
            score = load_score(item.path)
            clean = codec.encode(score).array
        except UnsupportedMeterError:
            out.skipped["unsupported_meter"] = out.skipped.get("unsupported_meter", 0) + 1
            continue
        except MidiFileError as exc:
            log.info("skipped %s: %s", item.path, exc)
            out.skipped["unreadable_or_empty"] = out.skipped.get("unreadable_or_empty", 0) + 1
            continue
        noisy = None
        if corrupt:
            damage = corrupt_drums(score, seed=file_seed(index, corruption_seed))
            noisy = codec.encode(damage, n_steps=clean.shape[1]).array
        seconds = step_seconds(score.tempo_map, clean.shape[1], codec.steps_per_beat)
        out.files.append(EvalFile(item.path, clean, noisy, seconds))
    return out


def score_system(system: GridSystem, data: EvalSet, kind: EvalKind, budget: int | None,
                 steps_per_beat: int) -> dict[str, Any]:
    """Reconstruction (and, where the kind has one, denoising) metrics of one system at one budget,
    micro-averaged."""
    def scores(pairs: list[tuple[EvalFile, np.ndarray]]) -> Any:
        return merge_scores([kind.score(f.clean, est, f, steps_per_beat) for f, est in pairs])

    result = _rounded(scores([(f, system.reconstruct(f.clean, budget)) for f in data.files]).to_dict())
    noisy = [(f, f.noisy) for f in data.files if f.noisy is not None]
    if noisy:
        den_out = scores([(f, system.reconstruct(grid, budget)) for f, grid in noisy])
        den_in = scores(noisy)
        result["denoise"] = {
            "f1_noisy": round(den_in.f1, 4),
            "f1_output": round(den_out.f1, 4),
            "score": round(den_out.f1 - den_in.f1, 4),
            "velocity_mae_output": round(den_out.velocity_mae, 2),
            "timing_mae_ms_output": round(den_out.timing_mae_ms, 2),
        }
    return result


def _rounded(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}


def fit_or_load_omp(data_dir: str | Path, split: str, codec: Any, cache_dir: str | Path | None, *,
                    n_atoms: int, patch_steps: int) -> PatchDictionaryBaseline:
    """The classical baseline with as many atoms as the model, on bar patches: the shipped fit for
    codec when there is one and it matches, else fitted now on ``split`` (about a minute)."""
    shipped_path = shipped_omp(codec)
    if shipped_path.is_file():
        shipped = PatchDictionaryBaseline.load(shipped_path)
        if shipped.n_atoms == n_atoms:
            return shipped
    grids = encode_items(discover(data_dir, split), codec, cache_dir).grids
    return PatchDictionaryBaseline().fit(grids, n_atoms=n_atoms, patch_steps=patch_steps, seed=0)


def evaluate(model: str, data_dir: str | Path, split: str = "validation", *, budgets: list[int] | None = None,
             baselines: bool = False, omp_fit_split: str = "train", max_files: int | None = None,
             cache_dir: str | Path | None = None, engine: str | Path | None = None,
             corruption_seeds: Sequence[int] = (0, 1), live_modes: bool = False) -> dict[str, Any]:
    """Evaluate ``model`` (and optionally the baselines) on ``split``; returns the JSON-able report.

    ``engine``: an exported model (bundled name or folder) whose ``sidl denoise`` curve is reported
    too, on the damage of every seed in ``corruption_seeds``; with ``live_modes``, also filter and loop
    mode replayed through the live bridge (:func:`live_mode_curves`, a few minutes)."""
    budgets = budgets or [1, 2, 4, 8]
    if any(b < 1 for b in budgets):
        raise ParameterError(f"budgets must be positive integers, got {budgets}")
    main = LoadedModel.load(model)
    codec = get_codec(main.codec_name, **main.codec_options)
    kind = eval_kind(codec)
    data = load_eval_set(data_dir, split, codec, corrupt=kind.corrupt, max_files=max_files)
    if not data.files:
        raise ParameterError(f"no usable file in split {split!r} of {data_dir}")
    systems: list[GridSystem] = [main]
    fixed: list[GridSystem] = []
    if baselines:
        fixed = [FixedSystem("identity", IdentityBaseline())]
        if kind.grid_snap:
            fixed.append(FixedSystem("grid_snap", GridSnapBaseline()))
        seed = seed_reference(codec)
        if main.name != seed and (SHIPPED_DIR / seed).is_dir():
            systems.append(LoadedModel.load(seed))
        omp = fit_or_load_omp(data_dir, omp_fit_split, codec, cache_dir, n_atoms=main.model.config.atoms,
                              patch_steps=main.model.config.steps_per_bar)
        systems.append(OmpSystem("omp", omp))
    report: dict[str, Any] = {
        "model": main.name,
        "codec": codec.name,
        "split": split,
        "files": len(data.files),
        "skipped": data.skipped,
        "steps": int(sum(f.clean.shape[1] for f in data.files)),
        "budget_unit": "non-zero code entries per bar",
        "systems": {},
    }
    spb = codec.steps_per_beat
    for system in systems:
        entry: dict[str, Any] = {"budgets": {}}
        for b in budgets:
            log.info("scoring %s at budget %d", system.name, b)
            entry["budgets"][str(b)] = score_system(system, data, kind, b, spb)
        if isinstance(system, LoadedModel):
            cfg = system.model.config
            entry["as_trained"] = score_system(system, data, kind, None, spb)
            entry["as_trained"]["rule"] = f"top-{cfg.k} over {cfg.wta_axis}"
        report["systems"][system.name] = entry
    for system in fixed:
        report["systems"][system.name] = {"no_budget": score_system(system, data, kind, None, spb)}
    if engine is not None and kind.corrupt:
        from sidl.bridge.engine import Engine

        runtime = Engine.load(engine, provider="cpu")
        sets = [data] + [load_eval_set(data_dir, split, codec, corrupt=True, max_files=max_files, corruption_seed=s)
                         for s in corruption_seeds if s != 0]
        if 0 not in corruption_seeds:
            sets = sets[1:]
        log.info("denoising curve of %s on %d corruption seed(s)", runtime.info.name, len(sets))
        report["denoise_tool"] = {"engine": runtime.info.name, "seeds": list(corruption_seeds),
                                  "default_amount": runtime.info.denoise_amount, **denoise_curve(runtime, sets, kind)}
        if live_modes:
            log.info("filter and loop mode of %s through replay", runtime.info.name)
            report["live_modes"] = live_mode_curves(runtime, [f.path for f in data.files], seeds=corruption_seeds)
    return report


#: Amounts of the denoising curve (sidl denoise --amount, /sidl/denoise, the filter's strength).
DENOISE_CURVE_AMOUNTS = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)
#: A good take must come out of the default denoising (nearly) untouched: the tuned default is the
#: amount with the largest gain whose F1 on the clean grooves stays at or above this.
CLEAN_F1_FLOOR = 0.97


def denoise_curve(engine: Any, sets: Sequence[EvalSet], kind: EvalKind, *,
                  amounts: Sequence[float] = DENOISE_CURVE_AMOUNTS) -> dict[str, Any]:
    """``sidl denoise`` (:func:`sidl.bridge.denoise.clean`) at each amount on damaged copies (one
    :class:`EvalSet` per corruption seed) and on the clean files: F1 gain against the clean groove
    (micro, per seed and their mean), the clean files' F1 (damage to a good take), and the velocity
    and timing errors of the matched hits of the output."""
    from sidl.bridge.denoise import clean

    spb = engine.codec.steps_per_beat
    if not sets or not kind.corrupt:
        raise ParameterError("the denoising curve needs damaged copies (a codec with a denoising benchmark)")

    def total(pairs: list[tuple[EvalFile, np.ndarray]]) -> Any:
        return merge_scores([kind.score(f.clean, est, f, spb) for f, est in pairs])

    noisy_f1 = [total([(f, f.noisy) for f in s.files if f.noisy is not None]).f1 for s in sets]
    curve: dict[str, Any] = {}
    for amount in amounts:
        gains, out_scores = [], []
        for data, base in zip(sets, noisy_f1):
            scored = total([(f, clean(engine, f.noisy, amount).grid) for f in data.files if f.noisy is not None])
            gains.append(scored.f1 - base)
            out_scores.append(scored)
        on_clean = total([(f, clean(engine, f.clean, amount).grid) for f in sets[0].files])
        curve[f"{amount:g}"] = {
            "gain": round(float(np.mean(gains)), 4),
            "gain_per_seed": [round(g, 4) for g in gains],
            "clean_f1": round(on_clean.f1, 4),
            "velocity_mae_output": round(float(np.mean([s.velocity_mae for s in out_scores])), 2),
            "timing_mae_ms_output": round(float(np.mean([s.timing_mae_ms for s in out_scores])), 2),
        }
    return {"noisy_f1": [round(f, 4) for f in noisy_f1], "damaged_sets": len(sets), "curve": curve}


#: Strengths of filter mode's curve and feels of loop mode's, replayed through the live bridge.
FILTER_CURVE_AMOUNTS = (0.0, 0.25, 0.5, 0.9, 1.0)
LOOP_FEELS = (1.0, 0.5, 0.0)


def live_mode_curves(engine: Any, paths: Sequence[str | Path], *, seeds: Sequence[int] = (0, 1)) -> dict[str, Any]:
    """Filter mode (strength → F1 gain on damaged copies, F1 on clean ones) and loop mode (feel →
    F1, velocity and timing against the groove as played, neutral settings, aligned), both through
    ``sidl replay``: the live bridge's own code. Drum scoring (a codec with a denoising benchmark)."""
    from sidl.bridge.live.filter_eval import filter_curve
    from sidl.bridge.live.loop_eval import loop_curve

    return {"filter": filter_curve(engine, paths, FILTER_CURVE_AMOUNTS, seeds=tuple(seeds)),
            "loop": loop_curve(engine, paths, LOOP_FEELS)}


def tuned_amount(curve: dict[str, Any], floor: float = CLEAN_F1_FLOOR) -> float:
    """The amount with the largest mean gain whose clean-groove F1 is at least ``floor`` (0 if none)."""
    allowed = [(v["gain"], -float(a), float(a)) for a, v in curve["curve"].items() if v["clean_f1"] >= floor]
    return max(allowed)[2] if allowed else 0.0


def _live_mode_lines(live: dict[str, Any]) -> list[str]:
    """The filter and loop mode tables of a report (replayed through the live bridge)."""
    seeds = live["filter"]["seeds"]  # seed -> {"noisy_input", "curve": [{"amount", "gain", "clean", ...}]}
    names = list(seeds)
    lines = ["", "`sidl run --mode filter`, replayed (F1 gain per corruption seed; clean-groove F1)", "",
             "| strength | " + " | ".join(f"gain seed {s}" for s in names) + " | clean-groove F1 |",
             "|---|" + "---|" * len(names) + "---|"]
    for i, point in enumerate(seeds[names[0]]["curve"]):
        gains = " | ".join(f"{seeds[s]['curve'][i]['gain']:+.4f}" for s in names)
        lines.append(f"| {point['amount']:g} | {gains} | {point['clean']['f1']:.4f} |")
    lines += ["", "`sidl run --mode loop`, replayed and aligned, neutral settings (against the groove as played)", "",
              "| feel | hit F1 | vel MAE | timing MAE ms |", "|---|---|---|---|"]
    for point in live["loop"]["feels"]:
        lines.append(f"| {point['feel']:g} | {point['f1']:.4f} | {point['velocity_mae']:.2f} | {point['timing_mae_ms']:.2f} |")
    return lines


def _num(value: Any) -> float:
    """A metric that may be undefined (None in JSON: no matched hits) as a float for formatting."""
    return float("nan") if value is None else float(value)


def format_table(report: dict[str, Any]) -> str:
    """The report as a Markdown table (what the README shows)."""
    kind = _report_kind(report)
    head = kind.head
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for name, entry in report["systems"].items():
        rows = [(b, r) for b, r in entry.get("budgets", {}).items()]
        if "as_trained" in entry:
            rows.append((entry["as_trained"].get("rule", "as trained"), entry["as_trained"]))
        if "no_budget" in entry:
            rows.append(("—", entry["no_budget"]))
        for budget, r in rows:
            lines.append(kind.row(name, budget, r))
    tool = report.get("denoise_tool")
    if tool:
        lines += ["", f"`sidl denoise` ({tool['engine']}, corruption seeds {tool['seeds']}, noisy F1 "
                      f"{' / '.join(f'{f:.3f}' for f in tool['noisy_f1'])}; default amount {tool['default_amount']:g})", "",
                  "| amount | F1 gain (mean) | per seed | clean-groove F1 | vel MAE out | timing MAE ms out |",
                  "|---|---|---|---|---|---|"]
        for amount, v in tool["curve"].items():
            lines.append(f"| {amount} | {v['gain']:+.4f} | {' / '.join(f'{g:+.4f}' for g in v['gain_per_seed'])} | "
                         f"{v['clean_f1']:.4f} | {v['velocity_mae_output']:.1f} | {v['timing_mae_ms_output']:.1f} |")
    live = report.get("live_modes")
    if live:
        lines += _live_mode_lines(live)
    return "\n".join(lines)


def _report_kind(report: dict[str, Any]) -> EvalKind:
    """The kind a (possibly stored) report was scored as, told by its entries' keys."""
    for entry in report["systems"].values():
        for r in (*entry.get("budgets", {}).values(), entry.get("as_trained"), entry.get("no_budget")):
            for kind in (EVAL_KINDS.values() if r else ()):
                if kind.report_key in r:
                    return kind
    return eval_kind(get_codec(report["codec"]))
