"""Model cards for shipped models: data, licence and credit, config, validation metrics, the exact
command to reproduce, and the training time — written from the checkpoint and an eval report so the
card cannot drift from the weights."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sidl.models.checkpoint import load_config
from sidl.models.evaluate import format_table

# Credits of the datasets the shipped models were trained on, by codec name (data, not behaviour:
# a model trained on other data states its own).
DATA_CREDITS = {
    "drums": (
        "Groove MIDI Dataset v1.0.0 (`train` split for training, `validation` for choices and the metrics below; "
        "the official `test` split was never used). Licence: Creative Commons Attribution 4.0 International. "
        "Credit: Jon Gillick, Adam Roberts, Jesse Engel, Douglas Eck, David Bamman, \"Learning to Groove with "
        "Inverse Sequence Transformations\", ICML 2019."
    ),
    "piano": (
        "Classical Piano MIDI from piano-midi.de, compiled by Bernd Krueger (237 pieces, 25 composers; about 20 % of "
        "each composer's pieces are held out by a stable hash of the file name as `validation`). Licence: Creative "
        "Commons Attribution-ShareAlike 3.0 Germany. Credit: Bernd Krueger, www.piano-midi.de. As a work trained "
        "on CC BY-SA data, these weights are shared under CC BY-SA 3.0 DE as well."
    ),
}


UNKNOWN_CREDIT = "Not recorded: name the training data, its licence and its authors here."


def _coder(model: dict[str, Any]) -> str:
    if model.get("inference_coder") == "pursuit":
        return "non-negative OMP over the learned atoms (`inference_coder: pursuit`)"
    steps = f"{model.get('refine_steps', 0)} trained + {model.get('inference_refine_steps', 0)} inference IHT steps"
    return f"the network encoder, then {steps}"


def write_card(model_dir: Path, *, title: str, summary: str, reproduce: list[str],
               report: dict[str, Any] | None, eval_command: str | None) -> Path:
    cfg = load_config(model_dir)
    train = cfg["train"]
    model = train["model"]
    lines = [f"# Model card: `{title}`", "", summary, "",
             "## Data, licence and credit", "", DATA_CREDITS.get(train["codec"], UNKNOWN_CREDIT), "",
             "## Architecture", "",
             f"- codec: `{train['codec']}` ({cfg['codec_spec'].get('channels', model['in_channels'])} channels, "
             f"{cfg['codec_spec'].get('steps_per_beat', 4)} steps per beat)",
             f"- Temporal CONV-WTA autoencoder: {model['atoms']} atoms of {model['kernel']} steps, stride "
             f"{model['stride']}, k-WTA top-{model['k']} over {model['wta_axis']}, atom norm `{model['atom_norm']}`, "
             f"output `{model['output']}`, encoder hidden {model.get('encoder_hidden', 0)}, TCN {model.get('tcn_channels') or 'none'}",
             f"- codes at inference: {_coder(model)}",
             f"- loss `{train['loss']}`, Adam lr {train['lr']} (amsgrad {train['amsgrad']}), batch {train['batch_size']}, "
             f"{train['epochs']} epochs, windows of {train['window_bars']} bars every {train['hop_bars']}, "
             f"k schedule {train.get('k_schedule')}, denoising inputs {train.get('denoise')}, seed {train['seed']}",
             *([f"- after the epochs, atoms refitted to pursuit codes (`models/pursuit_fit.py`): {train['pursuit_fit']}"]
               if train.get("pursuit_fit") else []),
             f"- training data used: {cfg.get('data', {}).get('files')} files ({cfg.get('data', {}).get('skipped')} skipped)",
             f"- training time: {cfg.get('train_seconds')} s on a 2-core CPU (torch threads: {cfg.get('torch_threads')})",
             "", "Full config: `config.json` beside this card. Weights: `model.safetensors` (no pickle).", "",
             "## Reproduce", "", "```", *reproduce, "```", ""]
    if report is not None:
        lines += ["## Validation metrics", "",
                  f"{report['files']} files of split `{report['split']}` (skipped: {report['skipped'] or 'none'}); "
                  "budget = non-zero code entries per bar.", ""]
        if eval_command:
            lines += ["```", eval_command, "```", ""]
        lines += [format_table(report), ""]
    path = model_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def main() -> None:  # pragma: no cover - a maintainer's tool: python -m sidl.models.card DIR TITLE REPORT.json
    import sys

    model_dir, title, report_path = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    report = json.loads(Path(report_path).read_text())
    summary = sys.argv[4] if len(sys.argv) > 4 else ""
    reproduce = sys.argv[5].split(";;") if len(sys.argv) > 5 else []
    eval_command = sys.argv[6] if len(sys.argv) > 6 else None
    write_card(model_dir, title=title, summary=summary, reproduce=reproduce, report=report, eval_command=eval_command)


if __name__ == "__main__":
    main()
