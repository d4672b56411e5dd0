"""Start-up benchmark: how long the ``chengxin`` command takes before it does anything, against bare Python.

    uv run python benchmarks/startup.py [--runs 7]

Each command runs ``--runs`` times as a fresh process, interleaved round-robin with the references so that
all of them see the same machine load; for each the median wall time and the median CPU time (user + system
of the process and the children it waited for, e.g. the PDF-reading child) are printed.

* references: ``python -c pass``, ``python -c "import json"`` and, for ``extract``, bare pdfplumber reading
  the same one-page PDF (``import pdfplumber`` and ``extract_text()`` of its page);
* ``help``: ``chengxin --help``; ``deadline``: ``chengxin deadline "10个工作日内"``;
* ``extract``: ``chengxin extract ONE_PAGE.pdf --json`` on a one-page Chinese PDF generated here.

The figures include loading Python's bytecode: a checkout whose site-packages have no ``.pyc`` files and that
runs with ``PYTHONDONTWRITEBYTECODE`` recompiles every module at every start (``uv sync --compile-bytecode``,
or ``compile-bytecode = true`` under ``[tool.uv]``, writes them at install time); the header says which.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from extraction import generate_pdf  # noqa: E402  (a sibling benchmark module)


def commands(pdf: Path) -> dict[str, list[str]]:
    python = sys.executable
    chengxin = str(Path(python).parent / "chengxin")
    read_one_page = f"import pdfplumber; pdfplumber.open({str(pdf)!r}).pages[0].extract_text()"
    return {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import json'": [python, "-c", "import json"],
        "bare pdfplumber, one page": [python, "-c", read_one_page],
        "chengxin --help": [chengxin, "--help"],
        "chengxin deadline": [chengxin, "deadline", "10个工作日内"],
        "chengxin extract, one page": [chengxin, "extract", str(pdf), "--json"],
    }


def run_once(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its waited-for children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bytecode_state() -> str:
    import spacy

    cached = (Path(spacy.__file__).parent / "__pycache__").is_dir()
    writes = not (sys.flags.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"))
    return f"site-packages bytecode cached: {'yes' if cached else 'no'}; writes .pyc: {'yes' if writes else 'no'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "one-page.pdf"
        pdf.write_bytes(generate_pdf(1, None))
        cmds = commands(pdf)
        for argv in cmds.values():  # warm the file cache once, not measured
            run_once(argv)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, argv in cmds.items():
                samples[name].append(run_once(argv))
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in samples.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in samples.items()}
    ref = "python -c 'import json'"
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {bytecode_state()}; {args.runs} runs")
    print(f"{'command':30} {'wall s':>8} {'cpu s':>8} {'wall ÷ ' + ref:>30}")
    for name in cmds:
        print(f"{name:30} {wall[name]:8.3f} {cpu[name]:8.3f} {wall[name] / wall[ref]:29.1f}×")
    extract_vs_bare = wall["chengxin extract, one page"] / wall["bare pdfplumber, one page"]
    print(f"extract ÷ bare pdfplumber on the same page: {extract_vs_bare:.1f}× wall")
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "runs": args.runs, "load": os.getloadavg()[0]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
