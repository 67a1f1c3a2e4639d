"""Test-wide settings.

Under CI (`CI` set, as `.ci/run` runs) hypothesis is derandomized: a property that passes
once passes every time on the same code, so a landing never depends on a lucky draw, and
deadlines are off because CI machines are shared. Developers keep random exploration.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
