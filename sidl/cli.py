"""The ``sidl`` command: the one layer that sees every other (runtime, training, export).

Each sub-command is one row of :data:`COMMANDS`: its name, its one-line help, the extra its handler
needs, the light module that declares its arguments, and its handler. Building the parser imports
only the argument modules (argparse alone), so ``sidl --help`` and ``sidl <command> --help`` load
neither numpy-heavy modules, onnxruntime, torch nor the live daemon; a handler is imported when its
command runs. A command whose extra is not installed says so in one line instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from sidl import __version__
from sidl.bridge.errors import SidlError

log = logging.getLogger(__name__)

# extra -> the top-level modules it installs (a ModuleNotFoundError for one of them means "install it")
EXTRA_MODULES: dict[str, frozenset[str]] = {
    "train": frozenset({"torch", "onnx", "onnxscript", "safetensors", "sklearn", "matplotlib", "tqdm"}),
    "cpu": frozenset({"onnxruntime"}),
    "plot": frozenset({"matplotlib"}),
    "link": frozenset({"aalink"}),
    "search": frozenset({"faiss"}),
}
_EXTRA_ORDER = ("cpu", "plot", "link", "search", "train")  # matplotlib alone means pictures, unless the command trains


@dataclass(frozen=True)
class OptionExtra:
    """An extra that only one value of an option needs (``--clock link`` needs aalink)."""

    dest: str
    value: str
    extra: str
    module: str
    positional: bool = False  # a positional argument's value (``sidl bench train``), not an option

    def flag(self) -> str:
        return self.value if self.positional else f"--{self.dest.replace('_', '-')} {self.value}"


@dataclass(frozen=True)
class Command:
    """One sub-command. ``arguments`` and ``handler`` are ``"module:function"``; the arguments
    module must stay light (argparse only), the handler module is imported only to run."""

    name: str
    help: str
    arguments: str  # function(parser) adding the command's arguments
    handler: str  # function(argparse.Namespace) -> exit code
    extra: str | None = None  # what the handler needs beyond the core: "cpu" (onnxruntime), "train"
    option_extras: tuple[OptionExtra, ...] = ()


_TOOL_ARGS = "sidl.bridge.command_args"
_TOOLS = "sidl.bridge.commands"

COMMANDS: tuple[Command, ...] = (
    Command("train", "train a CONV-WTA dictionary on MIDI files (needs [train])",
            "sidl.models.cli_args:add_train_arguments", "sidl.models.cli:run_train", "train"),
    Command("eval", "held-out evaluation at MIDI level (needs [train])",
            "sidl.models.cli_args:add_eval_arguments", "sidl.models.cli:run_eval", "train"),
    Command("demo", "offline demo with the bundled drum model: reconstruct and denoise a generated groove",
            f"{_TOOL_ARGS}:add_demo_arguments", f"{_TOOLS}:run_demo", "cpu"),
    Command("export", "export a checkpoint to ONNX (encoder.onnx + decoder.onnx) with metadata and a parity check "
                      "(needs [train])",
            "sidl.export.cli_args:add_arguments", "sidl.export.cli:run_export", "train"),
    Command("reconstruct", "play a MIDI file back through the dictionary alone (its timing and dynamics, not the player's)",
            f"{_TOOL_ARGS}:add_reconstruct_arguments", f"{_TOOLS}:run_reconstruct", "cpu"),
    Command("denoise", "clean up a played MIDI file: unexplained hits out, expected ones back; keeps the player's feel",
            f"{_TOOL_ARGS}:add_denoise_arguments", f"{_TOOLS}:run_denoise", "cpu"),
    Command("interpolate", "morph between two grooves in code space; A and B as played at the ends, each hit with its groove's feel",
            f"{_TOOL_ARGS}:add_interpolate_arguments", f"{_TOOLS}:run_interpolate", "cpu"),
    Command("swap", "replace A's strongest atoms in each bar by B's",
            f"{_TOOL_ARGS}:add_swap_arguments", f"{_TOOLS}:run_swap", "cpu"),
    Command("decompose", "one MIDI file per active atom, plus their sum",
            f"{_TOOL_ARGS}:add_decompose_arguments", f"{_TOOLS}:run_decompose", "cpu"),
    Command("generate", "sample a new pattern from the atoms' training statistics",
            f"{_TOOL_ARGS}:add_generate_arguments", f"{_TOOLS}:run_generate", "cpu"),
    Command("style", "a style map of a folder of MIDI files from their average atom activity (needs [plot])",
            "sidl.bridge.analysis.style_args:add_arguments", "sidl.bridge.analysis.style:run_style", "cpu"),
    Command("atoms", "the learned atoms as pictures, most used first (needs [plot])",
            "sidl.bridge.analysis.view_args:add_atoms_arguments", "sidl.bridge.analysis.atoms:run_atoms", "cpu"),
    Command("code", "the sparse code of a piece over time above its input and reconstruction (needs [plot])",
            "sidl.bridge.analysis.view_args:add_code_arguments", "sidl.bridge.analysis.code_view:run_code", "cpu"),
    Command("similar", "the sections of a folder of MIDI files most similar to a query (cosine on codes)",
            "sidl.bridge.analysis.view_args:add_similar_arguments", "sidl.bridge.analysis.similar:run_similar", "cpu"),
    Command("index", "encode a folder of MIDI files once into a library for `sidl similar --index` (needs [search])",
            "sidl.bridge.library.index_args:add_index_arguments", "sidl.bridge.library.command:run_index", "cpu"),
    Command("encode", "encode a MIDI corpus into sharded, memory-mapped grids with an index (incremental, parallel)",
            "sidl.bridge.shards.encode_args:add_arguments", "sidl.bridge.shards.encode:run_encode"),
    Command("run", "the live bridge: MIDI in, sparse codes, MIDI out in time, OSC control",
            "sidl.bridge.live.run_args:add_arguments", "sidl.bridge.live.run:run_command", "cpu",
            option_extras=(OptionExtra("clock", "link", "link", "aalink"),)),
    Command("replay", "run the live bridge over a MIDI file on a simulated clock and write what it would play",
            "sidl.bridge.live.replay_args:add_arguments", f"{_TOOLS}:run_replay", "cpu"),
    Command("panic", "silence everything: /sidl/panic to a running bridge, and with --port every note-off on a MIDI port",
            f"{_TOOL_ARGS}:add_panic_arguments", f"{_TOOLS}:run_panic"),
    Command("ports", "list MIDI ports per backend (ALSA, JACK, CoreMIDI, WinMM) and why a backend is unavailable",
            f"{_TOOL_ARGS}:add_ports_arguments", f"{_TOOLS}:run_ports"),
    Command("bench", "measure speed and latency, side by side (JSON out): engine, live, load, soak, library, train",
            f"{_TOOL_ARGS}:add_bench_arguments", f"{_TOOLS}:run_bench", "cpu",
            option_extras=(OptionExtra("what", "train", "train", "torch", positional=True),)),
)
COMMANDS_BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}


def _function(target: str) -> Callable[..., Any]:
    module_name, func_name = target.split(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module_name), func_name)
    return function


class OneLineParser(argparse.ArgumentParser):
    """argparse with its usage errors in one line ("sidl run: error: argument --channel: ..."), exit 2:
    the full usage of ``sidl run`` is a dozen lines that bury the one that matters. Sub-command parsers
    are made of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} ({self.prog} --help lists the options)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="sidl",
        description="Shift-invariant sparse dictionaries of drum and piano patterns, for the stage and the studio.",
    )
    parser.add_argument("--version", action="version", version=f"sidl {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        _function(command.arguments)(sub.add_parser(command.name, help=command.help))
    return parser


def extra_for(command: Command, module: str | None) -> str | None:
    """The extra that installs ``module`` (top-level name), preferring the command's own; None if none does."""
    top = (module or "").split(".")[0]
    if command.extra is not None and top in EXTRA_MODULES[command.extra]:
        return command.extra
    return next((extra for extra in _EXTRA_ORDER if top in EXTRA_MODULES[extra]), None)


def missing_extra_line(subject: str, extra: str) -> str:
    """The one line printed instead of a traceback; ``subject`` is e.g. ``sidl train``."""
    if extra == "cpu":
        return f"{subject} needs onnxruntime, the [cpu] extra: pip install 'sidl[cpu]' (or 'sidl[gpu]' on a CUDA machine)"
    if extra == "plot":
        return f"{subject} needs the [plot] extra to draw pictures: pip install 'sidl[plot]'"
    return f"{subject} needs the [{extra}] extra: pip install 'sidl[{extra}]'"


def _missing_option_extra(command: Command, args: argparse.Namespace) -> str | None:
    """Checked before the handler runs: the code behind such an option may turn the missing module
    into an error of its own, and the command should fail before it opens ports or loads models."""
    for option in command.option_extras:
        if getattr(args, option.dest, None) == option.value and importlib.util.find_spec(option.module) is None:
            return missing_extra_line(f"sidl {command.name} {option.flag()}", option.extra)
    return None


MIDI_COMMANDS = frozenset({"run", "ports", "panic"})  # they probe MIDI backends, JACK among them


def _quiet_libjack() -> None:
    """libjack writes its own lines to stderr ("Cannot connect to server socket", "jack server is not
    running or cannot be started", ...) whenever a backend probe finds no JACK server, which reads as
    a failure before anything went wrong: they go to the debug log instead (``sidl -vv`` shows them)."""
    try:
        from sidl.bridge.live.jack_watch import libjack

        libjack()
    except (OSError, ImportError) as exc:  # no libjack here (macOS, Windows): nothing to quiet
        log.debug("libjack not routed: %s", exc)


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:
        parser.print_help()
        return 0
    command = COMMANDS_BY_NAME[args.command]
    try:
        missing = _missing_option_extra(command, args)
        if missing is not None:
            print(missing, file=sys.stderr)
            return 2
        if command.name in MIDI_COMMANDS:
            _quiet_libjack()
        code: int = _function(command.handler)(args)
        return code
    except SidlError as exc:
        print(f"sidl {command.name}: error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        # an extra's module, imported with the handler or lazily (onnxruntime when a model loads,
        # matplotlib when a picture is drawn); any other missing module is a bug and keeps its traceback
        extra = extra_for(command, exc.name)
        if extra is None:
            raise
        log.debug("missing module %r", exc.name, exc_info=True)
        print(missing_extra_line(f"sidl {command.name}", extra), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"sidl {command.name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
