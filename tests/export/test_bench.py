"""The engine benchmark compares onnxruntime with torch eager of the same checkpoint in one run."""

from __future__ import annotations

from sidl.bridge.bench import percentiles_us, run_engine_bench, time_steps


def test_bench_reports_both_runtimes_and_their_ratio() -> None:
    report = run_engine_bench("drums", windows=6, warmup=1, streams=(1, 2), coders=("pursuit",), window_bars=1)
    runtimes = {(r["runtime"], r["streams"]) for r in report["results"]}
    assert runtimes == {("onnxruntime", 1), ("onnxruntime", 2), ("torch-eager", 1), ("torch-eager", 2)}
    assert report["window_steps"] == 16
    assert all(r["median_us"] > 0 and r["p99_us"] >= r["median_us"] for r in report["results"])
    assert {r["streams"] for r in report["ratios"]} == {1, 2}


def test_timing_uses_the_injected_clock() -> None:
    ticks = iter(range(0, 10_000_000, 1000))  # every call 1 µs later than the one before
    stats = time_steps(lambda w: w, list(range(5)), warmup=2, clock=lambda: next(ticks))
    assert stats["median_us"] == 1.0 and stats["p99_us"] == 1.0
    assert percentiles_us([1000, 3000])["median_us"] == 2.0


def test_load_bench_reports_idle_and_load_side_by_side_from_the_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`sidl bench load` (simulated clock, a few seconds) gives note lateness and memory for an idle
    run and one under OSC + MIDI traffic in one JSON report; `bench soak` refuses a bad duration."""
    import json
    import subprocess
    import sys

    out = tmp_path / "load.json"
    done = subprocess.run([sys.executable, "-m", "sidl", "bench", "load", "--backend", "simulated", "--seconds", "3",
                           "--osc-rate", "200", "--midi-rate", "200", "--out", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    for phase in ("idle", "load"):
        assert {"p50", "p99", "max"} <= set(report[phase]["lateness_ms"]) and report[phase]["rss_mb"]["max"] > 0
    assert report["load"]["osc_sent"] > 0 and report["idle"]["osc_sent"] == 0
    bad = subprocess.run([sys.executable, "-m", "sidl", "bench", "soak", "--minutes", "0"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and "--minutes must be positive" in bad.stderr and "Traceback" not in bad.stderr
