"""Write the learner's edition of every notebook, and the solutions it leaves out.

    python scripts/learner_edition.py           # write learner/... and lib/exercises/solutions/
    python scripts/learner_edition.py --check   # only compare; exit 1 if anything differs

The learner's edition of ``chapters/X.ipynb`` is ``learner/chapters/X.ipynb`` (``_ext/learner_edition.py``
says what changes), beside ``learner/appendix/glossary.ipynb``, the glossary its terms link to; its
solutions go to ``lib/exercises/solutions/X.json``, which ``lib`` ships and
``lib.exercises.solution`` shows. Both are made from the repository's notebooks, never edited by hand:
run this after changing a notebook (the tests check that what is committed is what it makes now).
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))

from course_bundle import learner_editions  # noqa: E402

LEARNER = ROOT / "learner"
SOLUTIONS = ROOT / "lib" / "exercises" / "solutions"


def made() -> dict[Path, str]:
    """Every file this script writes, by path, with its text."""
    editions, solved = learner_editions(ROOT)
    files = {LEARNER / name: text for name, text in editions.items()}
    for stem, solutions in solved.items():
        files[SOLUTIONS / f"{stem}.json"] = json.dumps(solutions, indent=1, ensure_ascii=False) + "\n"
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only")
    args = parser.parse_args(argv)
    files = made()
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    extra = [p for folder, pattern in ((LEARNER, "**/*"), (SOLUTIONS, "*.json"))
             for p in folder.glob(pattern) if p.is_file() and p not in files]
    if args.check:
        for p in stale + extra:
            print(f"out of date: {p.relative_to(ROOT)}")
        return 1 if stale or extra else 0
    for p in extra:
        if p.is_file():
            p.unlink()
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(files[p], encoding="utf-8")
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
