"""Test defaults: the CI profile, English messages, and the shared offline data."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
SHARED_DATA = ROOT.parent / "shared" / "data"

# Set before any notebook kernel starts, so the kernels inherit them.
os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("MPLBACKEND", "Agg")
# Tests run two notebooks at once on two cores: one BLAS thread each, or tiny
# matrix products spend their time fighting over the cores.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
    os.environ.setdefault(variable, "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if SHARED_DATA.is_dir():
    os.environ.setdefault("COURSE_DATA_DIR", str(SHARED_DATA))


@pytest.fixture(autouse=True)
def english_messages():
    """Every test starts, and ends, with English runtime messages."""
    from course_utils.i18n import set_language

    set_language("en")
    yield
    set_language("en")
