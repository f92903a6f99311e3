"""Benchmark: render a certificate PDF in a warm process (WeasyPrint loaded, fonts cached).

.venv/bin/python benchmarks/pdfs.py            # 20 renders
.venv/bin/python benchmarks/pdfs.py --renders 2   # a smoke run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onemind.settings")
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="onemind-bench-"))
    import django

    django.setup()
    from agencies.models import Agency
    from pledges.certification.pdf import certificate_pdf
    from pledges.models import Certificate, Pledge, ProgramRules

    agency = Agency(name="Millbrook Police Department", locality="Millbrook", region="NY")
    pledge = Pledge(
        agency=agency,
        chief_name="Ana Rivera",
        chief_title="Chief of Police",
        rules=ProgramRules(cit_minimum_percent=20),
    )
    certificate = Certificate(
        agency=agency,
        pledge=pledge,
        number="OM-2027-000123",
        issued_on=date(2027, 3, 1),
        token="t" * 43,
        **Certificate.identity_of(agency),
    )
    start = time.perf_counter()
    first = certificate_pdf(certificate)  # cold: imports, fonts
    cold = time.perf_counter() - start
    samples = []
    for _ in range(args.renders):
        start = time.perf_counter()
        pdf = certificate_pdf(certificate)
        samples.append(time.perf_counter() - start)
    figures = {
        "cold_seconds": round(cold, 3),
        "warm_median_seconds": round(statistics.median(samples), 3),
        "warm_max_seconds": round(max(samples), 3),
        "bytes": len(pdf),
    }
    assert first.startswith(b"%PDF-")
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
