"""
The wheel around Downhill's jar: copies the jar that ``mvn package`` built (``../target/downhill-*.jar``,
or ``$DOWNHILL_JAR``) into ``downhill/jars/`` and reads from it the package's version (Downhill's)
and its pyspark requirement (the Spark minor version the jar was built with, the pom's one pin).
The rest of the metadata is in pyproject.toml.
"""

import os
import re
import shutil
import zipfile
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
JARS = HERE / "downhill" / "jars"


def the_jar() -> Path:
    given = os.environ.get("DOWNHILL_JAR")
    if given:
        return Path(given)
    built = sorted((HERE.parent / "target").glob("downhill-*.jar"))
    if len(built) == 1:
        return built[0]
    packaged = sorted(JARS.glob("downhill-*.jar"))
    if len(packaged) == 1:  # building from a copy that already holds it
        return packaged[0]
    raise SystemExit(
        f"downhill: expected Downhill's jar at {HERE.parent / 'target'}/downhill-*.jar (found {len(built)}): "
        "run `mvn package` first, or set DOWNHILL_JAR"
    )


def versions(jar: Path) -> dict:
    with zipfile.ZipFile(jar) as z:
        text = z.read("io/downhill/version.properties").decode("utf-8")
    return dict(line.strip().split("=", 1) for line in text.splitlines() if "=" in line)


def pep440(version: str) -> str:
    """Maven's 0.1.0-SNAPSHOT as 0.1.0.dev0."""
    return version[: -len("-SNAPSHOT")] + ".dev0" if version.endswith("-SNAPSHOT") else version


jar = the_jar()
if jar.parent.resolve() != JARS.resolve():
    JARS.mkdir(exist_ok=True)
    for old in JARS.glob("*.jar"):
        old.unlink()
    shutil.copy2(jar, JARS / jar.name)
built = versions(jar)
major, minor = re.match(r"(\d+)\.(\d+)", built["spark"]).groups()

setup(
    version=pep440(built["version"]),
    install_requires=[f"pyspark[ml]>={major}.{minor}.0,<{major}.{int(minor) + 1}"],
)
