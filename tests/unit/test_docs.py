"""What a newcomer reads names only what a newcomer has: no paths into the authors' machine or
outside the repository, and the README's setup steps that issue 11 asks for."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Paths that exist only on the authors' machine or outside this repository. System locations in
# install examples (/etc/systemd, /etc/letsencrypt, /opt/zavuch, the container's /data) are fine.
OUTSIDE = re.compile(r"(?<![\w.])\.\./|/work/|/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\")


def _read_by_newcomers() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "config.example.toml", ROOT / "Dockerfile"]
    files += sorted(ROOT.glob("*/README.md"))
    files += sorted((ROOT / "bot" / "texts").glob("*.py"))
    return files


def test_no_path_outside_the_repository() -> None:
    found = []
    for path in _read_by_newcomers():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_check_itself_catches_such_paths() -> None:
    for line in ("см. ../shared/seed", "`/work/shared/VK-API-NOTES.md`", "/home/anna/zavuch.db"):
        assert OUTSIDE.search(line), line
    for line in ("vk.com/id123", "/data/zavuch.db", "https://api.vk.ru/method/", "python -m bot run"):
        assert not OUTSIDE.search(line), line


def test_readme_covers_the_newcomer_steps() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    docker = next(line for line in text.splitlines() if line.lstrip().startswith("-e ZAVUCH_VK__TOKEN"))
    assert "ZAVUCH_BOT__OPERATORS=" in docker and "ZAVUCH_BOT__CODE_PEPPER=" in docker
    for heading in ("### Как узнать свой VK id", "### Резервные копии", "### Перезапуск и обновление"):
        assert heading in text
    assert ".backup" in text and "--restart unless-stopped" in text
