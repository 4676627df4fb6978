"""How the scan parsers' work grows with the input: worst-case inputs against an ordinary scan.

    .venv/bin/python bench/parsers.py [--repeat N]

For each parser (parse_scan, parse_digital_link, parse_element_string) and each worst-case input
(long runs of spaces inside a scan or around brackets, runs of path segments, of percent signs,
of GS), the time per call is measured at 1/8, 1/4, 1/2 and all of tracekit's input limit, beside
an ordinary input of the same length (a serial padded with set-82 characters, a valid link with
a long ignored query value). Targets:

- linear: from 1/4 to the whole limit the time grows at most 4x * 1.5 (4x is linear);
- at the limit, at most 1 microsecond per character (4 ms for the longest input), whatever it holds.

The ordinary inputs of the same length are the baseline row of each parser.

The row "old edge pattern" times the regular expression the scan edge used before (``^\\s+|\\s+$``
without GS) on the same run of spaces: the quadratic baseline the fix removed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from tracekit import gs1
from tracekit.errors import TraceKitError

LIMIT = gs1.MAX_TEXT_LENGTH
OLD_EDGE = re.compile(r"^[^\S\x1d]+|[^\S\x1d]+$")


def worst_cases(n: int) -> dict[str, str]:
    return {
        "spaces inside a scan": "A" + " " * (n - 2) + "B",
        "spaces after a bracket": "(01)" + " " * (n - 8) + "(21",
        "spaces and tabs": " \t" * (n // 2),
        "path of '01/'": "https://d.example/" + "01/" * ((n - 20) // 3),
        "long GTIN-like segment": "https://d.example/01/" + "1" * (n - 30) + "?",
        "percent signs": "%" * n,
        "GS run": "\x1d" * n,
    }


def ordinary(n: int) -> dict[str, str]:
    return {
        "serial": "7QA81NGX" + "A" * (n - 8),
        "link with a long query value": f"https://d.example/01/09506000134352/21/S1?x={'a' * (n - 50)}",
    }


def timed(parse, text: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            parse(text)
        except TraceKitError:
            pass
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    sizes = [LIMIT // 8, LIMIT // 4, LIMIT // 2, LIMIT]
    parsers = {"parse_scan": gs1.parse_scan, "parse_digital_link": gs1.parse_digital_link,
               "parse_element_string": gs1.parse_element_string}
    failed = False
    header = f"{'parser':<21} {'input':<30}" + "".join(f"{n:>10}" for n in sizes) + f"{'growth':>9}{'us/char':>9}"
    print(header)
    print("-" * len(header))
    for pname, parse in parsers.items():
        base = {n: max(timed(parse, text, args.repeat) for text in ordinary(n).values()) for n in sizes}
        print(f"{pname:<21} {'(ordinary, slowest)':<30}" + "".join(f"{base[n] * 1e6:>8.0f}us" for n in sizes))
        for label in worst_cases(sizes[0]):
            times = {n: timed(parse, worst_cases(n)[label], args.repeat) for n in sizes}
            growth = times[LIMIT] / max(times[LIMIT // 4], 1e-9)
            per_char = times[LIMIT] * 1e6 / LIMIT
            ok = growth <= 6.0 and per_char <= 1.0
            failed |= not ok
            print(f"{'':<21} {label:<30}" + "".join(f"{times[n] * 1e6:>8.0f}us" for n in sizes)
                  + f"{growth:>8.1f}x{per_char:>9.2f}" + ("" if ok else "  FAIL"))
    old = {n: timed(lambda text: OLD_EDGE.sub("", text), "A" + " " * (n - 2) + "B", max(3, args.repeat // 5))
           for n in sizes}
    print(f"{'(before the fix)':<21} {'old edge pattern':<30}" + "".join(f"{old[n] * 1e6:>8.0f}us" for n in sizes)
          + f"{old[LIMIT] / max(old[LIMIT // 4], 1e-9):>8.1f}x{old[LIMIT] * 1e6 / LIMIT:>9.2f}")
    print("\ntargets: growth from 1/4 of the limit to the limit <= 6x (4x is linear); <= 1 us per character")
    print("result:", "FAIL" if failed else "all targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
