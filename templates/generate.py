"""Write the roster templates of this folder from the code that /импорт sends (run from the repo root:
``python templates/generate.py``); tests check the committed files match."""

from __future__ import annotations

from pathlib import Path

from bot.domain.roster_template import template_csv, template_xlsx

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    (HERE / "roster_template.xlsx").write_bytes(template_xlsx())
    (HERE / "roster_template.csv").write_bytes(template_csv())
