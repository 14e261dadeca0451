"""Built-in rule packs are parsed by libyaml (start-up time, issue 7); user files never are."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker import yamlio
from checker.errors import RuleError
from checker.rulepack import builtin_rules_dir, load_pack


@pytest.mark.parametrize("path", sorted(builtin_rules_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_libyaml_reads_builtin_packs_exactly_like_the_python_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast, fast_lines = yamlio.parse_yaml(text, path.name, loader_class=yamlio.TRUSTED_LOADER)
    slow, slow_lines = yamlio.parse_yaml(text, path.name, loader_class=yaml.SafeLoader)
    assert fast == slow
    assert fast_lines._lines == slow_lines._lines
    assert load_pack(path).pack.id == path.stem


def test_user_yaml_with_a_nesting_bomb_is_refused_not_crashed(tmp_path: Path) -> None:
    """libyaml would overflow the C stack here (a segfault kills the test run)."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(RuleError, match="嵌套"):
        yamlio.load_yaml_with_lines(bomb)
    with pytest.raises(RuleError, match="嵌套"):
        load_pack(bomb)


def test_trusted_files_keep_the_python_loaders_messages(tmp_path: Path) -> None:
    tabbed = tmp_path / "tab.yaml"
    tabbed.write_text("pack:\n\tid: x\n", encoding="utf-8")
    with pytest.raises(RuleError, match="制表符"):
        yamlio.load_yaml_with_lines(tabbed, trusted=True)
