"""The check harness of train/test_*.py: a PASS or FAIL line per check, and exit code 1 when any failed."""
import sys

failures = []


def check(name, ok, detail=""):
    print(f"{'PASS' if ok else 'FAIL'} {name} {detail}")
    if not ok:
        failures.append(name)


def finish():
    sys.exit(1 if failures else 0)
