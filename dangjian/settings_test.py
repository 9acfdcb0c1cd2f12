"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): development mode, set explicitly.

The project's settings default to production; tests, like ``make run``, say that they are not.
"""

import os

os.environ.setdefault("DEBUG", "1")

from dangjian.settings import *  # noqa: F403
