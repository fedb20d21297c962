"""Handlers of the torch-free ``sidl`` sub-commands: the offline tools, the demo, the engine benchmark,
``ports`` and ``panic`` (their arguments: :mod:`sidl.bridge.command_args`).

Output (a JSON summary) is printed here, in the command layer; the library modules never print.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sidl.bridge import limits, tools
from sidl.bridge.engine import Engine
from sidl.bridge.errors import ParameterError
from sidl.bridge.safe_io import check_folder, check_output, write_text


def _engine(args: argparse.Namespace) -> Engine:
    return Engine.load(args.model, provider=args.provider, coder=getattr(args, "coder", None))


def _model_processes(text: str) -> tuple[str, ...]:
    """``--model-process worker,inline`` → ("worker", "inline"), each checked."""
    values = tuple(v.strip() for v in text.split(",") if v.strip())
    wrong = [v for v in values if v not in ("worker", "inline")]
    if not values or wrong:
        raise ParameterError(f"--model-process takes worker and/or inline, comma-separated; got {text!r}")
    return values


def _print(report: dict[str, Any]) -> int:
    print(json.dumps(report, indent=2))
    return 0


# Each tool checks its outputs (and the sizes asked for) itself; the handlers check what they can
# before loading the model too, so a wrong output path fails in milliseconds, not after the load.
def run_reconstruct(args: argparse.Namespace) -> int:
    check_output(args.output, inputs=[args.input])
    engine = _engine(args)
    report = tools.reconstruct(engine, args.input, args.output, atoms=args.atoms,
                               drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_denoise(args: argparse.Namespace) -> int:
    check_output(args.output, inputs=[args.input])
    engine = _engine(args)
    report = tools.denoise(engine, args.input, args.output, amount=args.amount,
                           drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_interpolate(args: argparse.Namespace) -> int:
    check_output(args.output, inputs=[args.a, args.b])
    if args.steps is not None:
        limits.check_count(args.steps, "--steps", 2, limits.MAX_INTERPOLATE_STEPS)
    engine = _engine(args)
    report = tools.interpolate(engine, args.a, args.b, args.output, t=args.t, steps=args.steps,
                               drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_swap(args: argparse.Namespace) -> int:
    check_output(args.output, inputs=[args.a, args.b])
    engine = _engine(args)
    report = tools.swap(engine, args.a, args.b, args.output, atoms=args.atoms,
                        drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_decompose(args: argparse.Namespace) -> int:
    tools.check_decompose_folder(args.input, args.outdir)
    engine = _engine(args)
    report = tools.decompose(engine, args.input, args.outdir, drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_generate(args: argparse.Namespace) -> int:
    check_output(args.output)
    limits.check_bars(args.bars, "--bars")
    engine = _engine(args)
    report = tools.generate(engine, args.output, bars=args.bars, seed=args.seed, temperature=args.temperature,
                            bpm=args.bpm, drum_map=tools.resolve_drum_map(args.drum_map))
    return _print(report.to_dict())


def run_demo(args: argparse.Namespace) -> int:
    from sidl.bridge.demo import run_demo as demo

    limits.check_bars(args.bars, "--bars")
    check_folder(args.out)
    result = demo(args.out, model=args.model, bars=args.bars, seed=args.seed)
    print(f"sidl demo — model {result.model!r} ({result.rule}) on a generated {args.bars}-bar groove\n")
    print("sparse code per bar (atom@column: activation):")
    for bar in result.codes:
        atoms = "  ".join(f"{a}@{c}:{v:.2f}" for a, c, v in bar.atoms) or "(silent)"
        print(f"  bar {bar.bar + 1}: {atoms}")
    print(f"\nhit F1 vs the input: reconstruction {result.reconstruction_f1:.3f}; "
          f"damaged copy {result.noisy_f1:.3f} -> denoised {result.denoised_f1:.3f}")
    print("files written:")
    for label, path in result.files.items():
        print(f"  {label:15s} {path}")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    """The live bridge over a MIDI file on a simulated clock (:mod:`sidl.bridge.live.replay`)."""
    from sidl.bridge.live import replay

    replay.check_output(args.input, args.output)  # before any work: never overwrite the input
    engine = Engine.load(args.model, provider=args.provider)
    result = replay.replay(engine, args.input, mode=args.mode, denoise=args.denoise, mute=args.mute, solo=args.solo,
                           temperature=args.temperature, seed=args.seed, feel=args.feel, align=args.align,
                           input_channel=args.channel, drum_map_in=tools.resolve_drum_map(args.drum_map_in),
                           drum_map_out=tools.resolve_drum_map(args.drum_map_out))
    path = replay.write_replay(result, args.output, source=args.input)
    return _print({"outputs": [str(path)], "model": engine.info.name, **result.summary()})


def run_bench(args: argparse.Namespace) -> int:
    if args.out:
        check_output(args.out, suffixes=None)
    if args.what == "train":  # torch's side of the benchmark lives with training ([train]); bridge never imports it
        from sidl.models.cli import run_bench_train

        return run_bench_train(args)
    if args.what in ("live", "load", "soak"):
        if args.what == "live":
            from sidl.bridge.live.bench_live import run_live_bench

            report = run_live_bench(bars=args.bars, model=args.model)
        else:
            from sidl.bridge.live.bench_load import run_load_bench

            soak = args.what == "soak"
            if (args.minutes if soak else args.seconds) <= 0:
                raise ParameterError(f"--{'minutes' if soak else 'seconds'} must be positive")
            report = run_load_bench(osc_rate=args.osc_rate, midi_rate=args.midi_rate, model=args.model,
                                    seconds=args.minutes * 60 if soak else args.seconds, backend=args.backend,
                                    idle=not soak, model_processes=_model_processes(args.model_process))
        if args.out:
            write_text(args.out, json.dumps(report, indent=2) + "\n")
        return _print(report)
    if args.what == "library":
        from sidl.bridge.library.bench import run_library_bench

        if not args.index:
            raise ParameterError("bench library needs --index LIB (a library built by `sidl index`)")
        report = run_library_bench(args.index, model=args.model, queries=args.queries, candidates=args.candidates,
                                   shifts=tuple(int(s) for s in args.shifts.split(",")))
        if args.out:
            write_text(args.out, json.dumps(report, indent=2) + "\n")
        return _print(report)
    from sidl.bridge.bench import run_engine_bench

    providers = tuple(args.provider.split(",")) if args.provider else None
    streams = tuple(int(s) for s in args.streams.split(","))
    report = run_engine_bench(args.model, windows=args.windows, warmup=args.warmup, streams=streams,
                              threads=args.threads or 1, providers=providers, torch_compare=not args.no_torch,
                              window_bars=args.window_bars, coders=(args.coder,) if args.coder else None)
    text = json.dumps(report, indent=2)
    if args.out:
        write_text(args.out, text + "\n")
    if args.json:
        print(text)
    else:
        for r in report["results"]:
            if "error" in r:
                print(f"{r['runtime']:12s} {r['provider']:26s} error: {r['error']}")
                continue
            print(f"{r['runtime']:12s} {r['provider']:26s} {r['coder']:8s} streams {r['streams']:3d}  "
                  f"median {r['median_us']:9.1f} µs  p99 {r['p99_us']:9.1f} µs  p99.9 {r['p99_9_us']:9.1f} µs")
        for ratio in report["ratios"]:
            print(f"torch eager / onnxruntime ({ratio['coder']}, {ratio['streams']} streams): "
                  f"median ×{ratio['torch_over_onnxruntime_median']}, p99 ×{ratio['torch_over_onnxruntime_p99']}")
    sys.stdout.flush()
    return 0


def run_ports(args: argparse.Namespace) -> int:
    """Ports per backend that works here (and why the others do not)."""
    from sidl.bridge.live import ports

    report: dict[str, Any] = {}
    for backend in ("alsa", "jack", "coremidi", "winmm"):
        why = ports._usable(backend)
        report[backend] = {"usable": False, "why": why} if why else {"usable": True, **ports.list_ports(backend)}
    if args.json:
        return _print(report)
    from sidl.bridge.live.port_view import port_lines

    for line in port_lines(report):  # what to play into and what to listen to, not rtmidi's view
        print(line)
    return 0


def run_panic(args: argparse.Namespace) -> int:
    """Silence from outside: ask a running bridge over OSC, and/or flood a MIDI port with note-offs."""
    import socket

    from sidl.bridge.live.osc_server import build_message

    done: dict[str, Any] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(build_message("/sidl/panic", []), (args.osc_host, args.osc_port))
    done["osc"] = f"/sidl/panic sent to udp://{args.osc_host}:{args.osc_port}"
    if args.port:
        import time

        from sidl.bridge.live import ports
        from sidl.bridge.live.ledger import PANIC_BURST, PANIC_PAUSE_S, flood_messages, send_paced

        backend = ports.choose_backend(args.backend)
        out = ports.open_output(backend, args.port, client="sidl-panic")
        try:
            # resets first (they silence at once where honoured), then every note of every channel, paced:
            # in one burst a receiver's buffer dropped 1,901 of 2,080 messages
            messages = flood_messages()
            send_paced(lambda m: out.handle.send_message(m.to_bytes()), messages)
            time.sleep(5 * PANIC_PAUSE_S)  # the backend sends from its own queue: let it drain before closing
        finally:
            out.close()
        offs = sum(m.kind == "note_off" for m in messages)
        done["midi"] = (f"CC64=0, CC123 and CC120, then {offs} note-offs, on 16 channels of {out.name} ({backend}), "
                        f"{len(messages)} messages in bursts of {PANIC_BURST}")
    return _print(done)
