"""The research export as its command writes it."""

import io

from django.core.management import call_command


def export_by_command(folder, *args, prefix=""):
    """{"sessions", "blend_components", "codebook": the bytes} that manage.py export_sessions (with `args`) writes
    into `folder`, each file named with `prefix`."""
    paths = {name: folder / f"{prefix}{name}.csv" for name in ("sessions", "blend_components", "codebook")}
    call_command(
        "export_sessions",
        "--out",
        str(paths["sessions"]),
        "--blend-out",
        str(paths["blend_components"]),
        "--codebook-out",
        str(paths["codebook"]),
        *args,
        stdout=io.StringIO(),
    )
    return {name: path.read_bytes() for name, path in paths.items()}
