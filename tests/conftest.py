"""Test-wide settings.

Under CI (`CI` set, as `.ci/run` runs) hypothesis is derandomized: a property that passes
once passes every time on the same code, so a landing never depends on a lucky draw, and
deadlines are off because CI machines are shared. Developers keep random exploration.
"""

import os

from hypothesis import settings

# The CSV bar cache (adapters/data/bar_cache.py) stays off in tests, so no test writes to
# the user's cache directory and each reads its files as they are; its own tests turn it
# on in a temporary directory. Set before any test runs, so CLI subprocesses inherit it.
os.environ.setdefault("TRADEKERNEL_BAR_CACHE", "off")

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
