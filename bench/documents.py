"""Real OpenAPI documents, cold: doc2client (default, black) against openapi-python-client.

The largest documents of ``openapi/`` in the corpus (DigitalOcean, Box, Discord). A run
that fails is printed with its exit status and the first lines it printed, not hidden.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.generation import bench_env, corpus, doc2client, measure, row, run_opc

DOCUMENTS = {
    "DigitalOcean": "openapi/digitalocean/specification/DigitalOcean-public.v2.yaml",
    "Box": "openapi/box/openapi.json",
    "Discord": "openapi/discord/openapi.json",
}


def first_errors(cmd: list[str], cwd: Path, lines: int = 3) -> str:
    """The first ``lines`` errors a failed run printed and its summary (it is run again)."""
    out = subprocess.run(
        cmd, cwd=cwd, env=bench_env(), capture_output=True, text=True, check=False
    )
    text = (out.stderr or out.stdout).strip().splitlines()
    errors = [line for line in text if ": error:" in line]
    count = f"      ({len(errors)} errors; the first {min(lines, len(errors))}, then the summary)"
    shown = [*errors[:lines], *text[-1:]]
    return "\n".join([count, *(f"      {line[:150]}" for line in shown)])


def main() -> None:
    print("Real documents, cold: doc2client (black) against openapi-python-client")
    base = corpus()
    for name, rel in DOCUMENTS.items():
        spec = base / rel
        if not spec.is_file():
            print(f"  {name}: {rel} not in the corpus")
            continue
        with tempfile.TemporaryDirectory(prefix="doc2client-doc-") as tmp:
            work = Path(tmp)
            cmd = doc2client(str(spec), "-o", str(work / "out"), "--no-cache")
            ours = measure(cmd, work)
            print(row(f"{name}: doc2client", ours))
            if ours.status != 0:
                print(first_errors([*cmd[:-1]], work))
            opc = run_opc(spec, work)
            if opc is None:
                continue
            print(row(f"{name}: openapi-python-client", opc[0], f"{opc[1]:,} lines"))
            if opc[0].status == 0 and ours.status == 0:
                print(
                    f"    ratio: {opc[0].wall / ours.wall:.1f}x faster (wall),"
                    f" {opc[0].cpu / ours.cpu:.1f}x less CPU, "
                    f"{opc[0].peak_mb / ours.peak_mb:.1f}x less memory"
                )


if __name__ == "__main__":
    main()
