"""Where the course lives online: one place for its repository and data bundle."""

REPO = "rnn-course/rnn-course"
REPO_URL = f"https://github.com/{REPO}"
BRANCH = "main"
DATA_BUNDLE_VERSION = "data-v1"


def colab_url(path: str) -> str:
    """The "Open in Colab" address of a notebook at ``path`` in the repository."""
    return f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{path}"


def pip_spec(extra: str = "") -> str:
    """What Colab installs to get ``course_utils`` from the repository, with an optional
    extra of ``pyproject.toml`` (``keras``: Keras 3 and TensorFlow, which Colab has)."""
    name = f"rnn-course[{extra}]" if extra else "rnn-course"
    return f"{name} @ git+{REPO_URL}@{BRANCH}"
