"""How a plugin declares itself: its kind, registry name, parameter schema and factory."""

from collections.abc import Callable
from typing import Any

import attrs

from tradekernel.domain.enums import PluginKind


@attrs.frozen(kw_only=True)
class PluginSpec:
    """One registrable plugin.

    `params` is a frozen attrs class; the config loader structures the TOML table of the
    plugin into it strictly (unknown keys and wrong types are errors) and then calls
    `factory(params)`. Validators on `params` raise ValueError naming the field.
    `provides` lists what the plugin makes available, e.g. the feature columns of a
    context worker, so the validator can check that what a plugin reads exists.
    `requires` lists the feature columns (or other provided names) it reads.
    What `factory` builds must satisfy the stage protocol of `kind`, and any optional
    capability it implements (`DeclaresActivity`, `DeclaresThreatScope`, `CandidateMask`,
    `ScoresRows`) correctly; both are checked once, when a blueprint's kernel is built.
    """

    kind: PluginKind
    name: str
    params: type[Any]
    factory: Callable[[Any], object]
    summary: str = ""
    provides: Callable[[Any], tuple[str, ...]] = attrs.field(default=lambda _params: ())
    requires: Callable[[Any], tuple[str, ...]] = attrs.field(default=lambda _params: ())
