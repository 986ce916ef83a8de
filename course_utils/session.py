"""The first call of every notebook: language, profile, device, plot style."""

from __future__ import annotations

from dataclasses import dataclass

from .device import device_name
from .i18n import LANGUAGE_NAMES, _, set_language
from .profile import get_profile


@dataclass(frozen=True)
class Course:
    """What :func:`setup` chose for this notebook."""

    lang: str
    profile: str
    device: str


def setup(lang: str = "en", *, keras: bool = False) -> Course:
    """Set the notebook's language, apply the plot style and print the choices.

    ``lang`` is one of ``en ru zh hi bn``; the profile comes from the
    ``COURSE_PROFILE`` environment variable (``ci`` or ``full``). With ``keras=True``
    the TensorFlow backend is chosen before Keras is imported, and printed.
    """
    set_language(lang)
    _style_plots()
    course = Course(lang=lang, profile=get_profile(), device=device_name())
    print(_("Profile: {profile} | device: {device} | language: {language}",
            profile=course.profile, device=course.device,
            language=LANGUAGE_NAMES[lang]))
    if keras:
        from .keras_env import keras_device, use_keras

        module = use_keras()
        print(_("Keras {version}, backend: {backend} ({device})",
                version=module.__version__, backend=module.backend.backend(),
                device=keras_device()))
    return course


def _style_plots() -> None:
    """Readable figures at notebook width, the same in every lesson."""
    try:
        import matplotlib as mpl
    except ImportError:
        return
    mpl.rcParams.update({
        "figure.figsize": (7.0, 3.6),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
