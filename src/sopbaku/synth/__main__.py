"""``python -m sopbaku.synth --seed 7 --n 6 --out corpus/synthetic``: write a synthetic corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sopbaku.synth.generate import RENDERINGS, generate
from sopbaku.synth.scan import CONDITIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sopbaku.synth", description=__doc__)
    parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same files (default: 7)")
    parser.add_argument("--n", type=int, default=6, help="number of documents (default: 6)")
    parser.add_argument("--out", type=Path, default=Path("corpus/synthetic"), help="output folder")
    parser.add_argument("--only", nargs="+", choices=RENDERINGS, default=list(RENDERINGS),
                        help="renderings to write (default: all)")
    parser.add_argument("--scan", choices=sorted(CONDITIONS), default="mixed",
                        help="how scans are degraded: mixed (default spread), mild (200-300 dpi, light noise) "
                             "or heavy (150 dpi, 2 degree skew, strong noise)")
    args = parser.parse_args(argv)
    generate(args.seed, args.n, args.out, tuple(args.only), condition=args.scan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
