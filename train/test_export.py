"""export.fresh_runs lists a checkpoint's runs first to last, taking an exported --init folder's runs as they were when
the run started (the folder may have been overwritten by a later export since).

Run: /usr/bin/python3 train/test_export.py   (exit code 1 when a check fails)
"""
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
from checks import check, finish  # noqa: E402


def fresh_ck(init, lr, init_runs=None):
    args = {"init": init, "device": "cpu", "variant": "base", "batch": 16, "lr": lr, "pool": "latents.pt"}
    return {"step": 10, "args": args, "init_runs": init_runs}


with tempfile.TemporaryDirectory() as tmp:
    folder = os.path.join(tmp, "default")
    os.makedirs(folder)
    then = [{"stage": "fresh", "steps": 1, "lr": 0.1}]
    first = os.path.join(tmp, "first.pt")
    torch.save(fresh_ck(folder, 0.01, init_runs=then), first)
    # the folder is exported again after `first` started from it: its t2v.json now lists more runs
    with open(os.path.join(folder, "t2v.json"), "w") as f:
        json.dump({"training": {"unet_runs": then + [{"stage": "fresh", "steps": 2, "lr": 0.2}] * 3}}, f)
    second = fresh_ck(first, 0.001)
    runs = export.fresh_runs(second)
    check("runs as they were", [r["lr"] for r in runs] == [0.1, 0.01, 0.001], str([r["lr"] for r in runs]))
    # a checkpoint from before init_runs falls back to the folder as it is now
    old = os.path.join(tmp, "old.pt")
    torch.save(fresh_ck(folder, 0.01), old)
    runs = export.fresh_runs(fresh_ck(old, 0.001))
    check("old checkpoint: the folder now", [r["lr"] for r in runs] == [0.1, 0.2, 0.2, 0.2, 0.01, 0.001])

finish()
