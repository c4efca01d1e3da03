"""The command stays light: `cchc ingest` never imports Jupyter machinery or plotting."""

import subprocess
import sys

import pytest

from conftest import REPO

HEAVY = ("jupyter", "jupyter_client", "nbformat", "nbconvert", "nbclient", "papermill", "ipykernel",
         "IPython", "matplotlib", "weasyprint", "zmq", "tornado")

PROBE = """
import sys
from cchc.cli import main
code = main(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print('HEAVY:' + ','.join(heavy))
print('PANDAS:' + str('pandas' in sys.modules))
raise SystemExit(code)
""" % (HEAVY,)


def _probe(*args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=REPO)
    lines = dict(line.split(":", 1) for line in done.stdout.splitlines() if line.startswith(("HEAVY:", "PANDAS:")))
    return done, lines


@pytest.mark.slow
def test_ingest_imports_no_jupyter_and_cached_ingest_not_even_pandas(messy_root):
    args = ("ingest", "--unit", "xa-thu", "--period", "2025-07", "--root", str(messy_root))
    done, lines = _probe(*args)
    assert done.returncode == 0, done.stderr
    assert lines["HEAVY"] == ""
    done, lines = _probe(*args)  # unchanged raw files: the cached path
    assert done.returncode == 0 and lines["HEAVY"] == "" and lines["PANDAS"] == "False"
