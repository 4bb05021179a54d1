"""
Downhill's jar inside this package, the versions it was built with, and the Spark session that
needs it.

The wheel carries the jar that ``mvn package`` built (``downhill/jars/``): Downhill's classes and
picocli, Spark being provided by pyspark. The jar and pyspark must be the same Spark minor version
(Spark ML's saved formats and internal APIs change between minors), so importing ``downhill``
checks the installed pyspark against the Spark version in the jar, and the first Downhill object
checks the running JVM too.
"""

import functools
import re
import zipfile
from pathlib import Path
from typing import Dict, Mapping, Optional

import pyspark
from pyspark import SparkContext
from pyspark.sql import SparkSession

_JARS = Path(__file__).resolve().parent / "jars"
_VERSION_RESOURCE = "io/downhill/version.properties"
_PROBE_CLASS = "io.downhill.ml.DownhillClassifier"


@functools.lru_cache(maxsize=None)
def jar_path() -> str:
    """The path of Downhill's jar inside this package, for ``spark.jars`` or ``spark-submit --jars``."""
    jars = sorted(_JARS.glob("downhill-*.jar"))
    if len(jars) != 1:
        raise RuntimeError(
            f"downhill: expected one jar in {_JARS}, found {len(jars)}: the package was built without "
            "Downhill's jar (build it with `mvn package`, then the wheel from python/)"
        )
    return str(jars[0])


@functools.lru_cache(maxsize=None)
def built_versions() -> Dict[str, str]:
    """``{"downhill": ..., "spark": ...}``: the versions the jar was built with (its version.properties)."""
    with zipfile.ZipFile(jar_path()) as jar:
        text = jar.read(_VERSION_RESOURCE).decode("utf-8")
    props = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    return {"downhill": props["version"].strip(), "spark": props["spark"].strip()}


def _minor(version: str) -> str:
    match = re.match(r"(\d+)\.(\d+)", version)
    return f"{match.group(1)}.{match.group(2)}" if match else version


def check_pyspark(installed: Optional[str] = None) -> None:
    """
    Raises ImportError when the installed pyspark (or ``installed``) is another Spark minor version
    than the one the jar was built with.
    """
    installed = installed or pyspark.__version__
    spark = built_versions()["spark"]
    if _minor(installed) != _minor(spark):
        raise ImportError(
            f"downhill {built_versions()['downhill']} is built for Spark {_minor(spark)} (its jar: Spark "
            f"{spark}) but pyspark {installed} is installed: install pyspark {_minor(spark)}.x "
            f"(pip install 'pyspark=={spark}') or a downhill built for Spark {_minor(installed)}"
        )


_checked_contexts: Dict[int, bool] = {}


def require_jvm() -> SparkContext:
    """
    The active SparkContext, once checked to have Downhill's classes and a Spark of the jar's minor
    version; a RuntimeError saying how to start a session that has them otherwise.
    """
    sc = SparkContext._active_spark_context
    if sc is None:
        raise RuntimeError(
            "downhill: no active SparkContext; start one with downhill.spark_session() (it puts Downhill's "
            "jar on spark.jars)"
        )
    if not _checked_contexts.get(id(sc)):
        from py4j.java_gateway import JavaClass

        jvm = sc._jvm
        assert jvm is not None
        probe = jvm
        for part in _PROBE_CLASS.split("."):
            probe = getattr(probe, part)
        if not isinstance(probe, JavaClass):
            raise RuntimeError(
                f"downhill: {_PROBE_CLASS} is not on this Spark session's classpath: the JVM started without "
                "Downhill's jar. Start the session with downhill.spark_session(), give the jar to a new "
                "session's builder (.config('spark.jars', downhill.jar_path())), or to spark-submit "
                "(--jars $(python -m downhill jar))"
            )
        spark = built_versions()["spark"]
        if _minor(sc.version) != _minor(spark):
            raise RuntimeError(
                f"downhill: this Spark session runs Spark {sc.version} but Downhill's jar is built for Spark "
                f"{spark}: use a Spark {_minor(spark)}.x session"
            )
        _checked_contexts[id(sc)] = True
    return sc


def spark_session(
    master: Optional[str] = None,
    app_name: str = "downhill",
    conf: Optional[Mapping[str, str]] = None,
) -> SparkSession:
    """
    A SparkSession that has Downhill's jar: the active one when there is one (checked to have the
    jar), else a new one with the jar added to ``spark.jars`` (after any jars ``conf`` names).

    Parameters
    ----------
    master : str, optional
        the Spark master of a new session (``local[2]``, ``spark://host:7077``); by default
        pyspark's (``spark.master`` from ``conf`` or spark-submit, else ``local[*]``)
    app_name : str
        the application's name of a new session
    conf : mapping, optional
        more settings of a new session (``{"spark.executor.memory": "2g"}``)
    """
    if SparkContext._active_spark_context is not None:
        session = SparkSession.builder.getOrCreate()
        require_jvm()
        return session
    settings = dict(conf or {})
    jars = [j for j in settings.pop("spark.jars", "").split(",") if j]
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.jars", ",".join(jars + [jar_path()]))
    session = builder.getOrCreate()
    require_jvm()
    return session
