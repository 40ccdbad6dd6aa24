"""Write the course's public home into every notebook's set-up cell.

    python scripts/set_home.py            # rewrite the set-up cells for the home in _config.yml
    python scripts/set_home.py --check    # only say whether they agree (exit 1 if not)

The home is ``repository.url`` and ``repository.branch`` (a tag or a commit) in ``_config.yml``; see
``_ext/course_home.py`` and the README's "Publishing the course". The learner's editions in
``learner/`` (``scripts/learner_edition.py``), which Colab and Binder open, are written again with the
new set-up cells. The launch buttons of the website follow the same setting by themselves when the
site is built.
"""

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from course_home import read_home, write_setup_cells  # noqa: E402

NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report disagreement, change nothing")
    parser.add_argument("--config", default=str(ROOT / "_config.yml"))
    args = parser.parse_args()
    home = read_home(args.config)
    if args.check:
        import nbformat
        from course_home import setup_cell, with_setup_block

        wrong = [p for p in NOTEBOOKS
                 if (c := setup_cell(nbformat.read(p, as_version=4))).source != with_setup_block(c.source, home)]
        for path in wrong:
            print(f"{path.relative_to(ROOT)}: set-up cell does not match the home in {args.config}")
        return 1 if wrong else 0
    changed = write_setup_cells(home, NOTEBOOKS)
    where = f"{home.url} at {home.ref}" if home.configured else "no public home (the course bundle)"
    print(f"set-up cells now point at {where}; {len(changed)} notebook(s) changed")
    # the learner's editions (what Colab and Binder open) carry the same set-up cells
    subprocess.run([sys.executable, str(ROOT / "scripts" / "learner_edition.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
