"""How a bench script starts Django in its own process, written once: the app's tree on
sys.path, the base settings with DEBUG off (no query log growing while it measures), then
`django.setup()`. A script calls it before it imports anything of the app:

    from django_start import ROOT, django_start  # bench/, the script's folder, is on sys.path

    django_start()

    from groups.models import DiscussionGroup  # noqa: E402
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# The tree these scripts belong to.
ROOT = Path(__file__).resolve().parent.parent


def django_start(*, app: Path = ROOT, env: Mapping[str, str] | None = None) -> None:
    """Set Django up for this process. `app`: the tree whose code runs (bench/run.py can measure
    another one). `env`: variables set whatever the caller's environment holds (a script that
    names its own database passes DATABASE_URL here); otherwise the settings module and
    DJANGO_DEBUG=false are defaults that the environment may override."""
    sys.path.insert(0, str(app))
    os.environ.update(env or {})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impactboard.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # no query log
    import django

    django.setup()
