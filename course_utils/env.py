"""An environment report: versions, device, profile and language."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from .device import device_name
from .i18n import LANGUAGE_NAMES, _, get_language
from .profile import get_profile

PACKAGES: tuple[str, ...] = ("numpy", "matplotlib", "torch", "tensorflow", "keras", "babel",
                             "pooch")


# Packages installed under another distribution name (TensorFlow's CPU-only wheel).
ALIASES: dict[str, tuple[str, ...]] = {"tensorflow": ("tensorflow", "tensorflow-cpu")}


def package_version(name: str) -> str | None:
    """The installed version of ``name``, or ``None`` if it is not installed."""
    for distribution in ALIASES.get(name, (name,)):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def environment_report() -> dict[str, str]:
    """Python, platform, package versions, device, profile and language."""
    report = {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
    }
    for name in PACKAGES:
        report[name] = package_version(name) or "-"
    report["device"] = device_name()
    report["profile"] = get_profile()
    report["language"] = LANGUAGE_NAMES[get_language()]
    report["colab"] = "yes" if "google.colab" in sys.modules else "no"
    return report


def _labels() -> dict[str, str]:
    """The report's row names in the learner's language (package names stay as they are)."""
    return {"python": "Python", "platform": _("platform"), "device": _("device"),
            "profile": _("profile"), "language": _("language"), "colab": "Colab"}


def print_environment() -> dict[str, str]:
    """Print :func:`environment_report` as an aligned table and return it."""
    report = environment_report()
    labels = {key: _labels().get(key, key) for key in report}
    answers = {"yes": _("yes"), "no": _("no")}
    width = max(map(len, labels.values()))
    for key, value in report.items():
        shown = answers.get(value, value) if key == "colab" else value
        print(f"{labels[key]:<{width}}  {shown}")
    missing = [name for name in PACKAGES if report[name] == "-"]
    if missing:
        print(_("Not installed: {names}. Run the set-up command of README.md.",
                names=", ".join(missing)))
    return report
