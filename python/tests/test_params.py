"""
The Params: generated from the jar's schema and equal to the JVM's (names, docs, defaults) for the
classifier and the regressor, every setting reaching the Java object, keyword constructors and
setParams, bad values refused when set with the JVM's own message, and the Spark version checks.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import pyspark
import pytest
from conftest import ROOT, python_env
from py4j.protocol import Py4JJavaError
from pyspark.errors.exceptions.captured import CapturedException

import downhill
from downhill import _codegen
from downhill._jar import check_pyspark
from downhill.classification import DownhillClassificationModel, DownhillClassifier
from downhill.regression import DownhillRegressionModel, DownhillRegressor

#: The wrapped estimators, in the schema's order, with their models.
WRAPPED = [(DownhillClassifier, DownhillClassificationModel), (DownhillRegressor, DownhillRegressionModel)]


def test_the_generated_params_are_the_jars_schema() -> None:
    schema = _codegen.schema_from_jar(downhill.jar_path())
    fresh = _codegen.generate(schema)
    checked_in = ROOT / "python" / "downhill" / "_params.py"
    if checked_in.read_text(encoding="utf-8") != fresh:
        out = ROOT / "target" / "python" / "_params.py"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(fresh, encoding="utf-8")
        pytest.fail(f"{checked_in} is out of date with the Param schema of the jar: the fresh one is in {out}; copy it over")
    installed = Path(downhill.__file__).parent / "_params.py"
    assert installed.read_text(encoding="utf-8") == fresh, "the wheel under test carries another _params.py"
    assert {e["java_class"] for e in schema["estimators"]} == set(_codegen.BASES)
    assert [(e["java_class"], e["model_class"]) for e in schema["estimators"]] == [
        (estimator._java_class_name, model._java_class_name) for estimator, model in WRAPPED
    ]
    assert schema["spark_version"] == downhill.SPARK_VERSION


def _java_value(value: Any) -> Any:
    """A value py4j returned, as Python compares it (a Java int[] as a list)."""
    return list(value) if hasattr(value, "__len__") and not isinstance(value, str) else value


@pytest.mark.parametrize("estimator", [e for e, _ in WRAPPED])
def test_every_java_param_is_a_python_param_with_its_doc_and_default(spark: Any, estimator: Any) -> None:
    clf = estimator()
    java = clf._java_obj
    java_params = list(java.params())
    assert {p.name() for p in java_params} == {p.name for p in clf.params}
    for p in java_params:
        py = clf.getParam(p.name())
        if p.name() in clf._downhill_settings:
            assert py.doc == p.doc(), p.name()
        if java.hasDefault(p):
            assert clf.getOrDefault(py) == _java_value(java.getOrDefault(p)), p.name()
        else:
            assert not clf.hasDefault(py), p.name()
    assert len(clf._downhill_settings) >= 40  # the training settings, not only Spark's Params


def _samples(p: Dict[str, Any]) -> List[Any]:
    """Values of a setting other than its default, the first valid one to be used (as SettingsSchemaTest picks)."""
    kind, default = p["type"], p["default"]
    if p.get("choices"):
        return [[c for c in p["choices"] if c != default][-1]]
    if p["name"] == "checkpointEvery":
        return ["3epochs"]
    if kind == "string":
        return ["some-" + p["name"]]
    if kind == "boolean":
        return [True]
    if kind == "int[]":
        return [[16, 8]]
    if kind == "double":
        return [0.05 if not default else default / 2, 2.0]
    return [default + 1]


@pytest.mark.parametrize("index", range(len(WRAPPED)))
def test_every_setting_set_in_python_is_the_java_objects(spark: Any, index: int) -> None:
    schema = _codegen.schema_from_jar(downhill.jar_path())
    settings = [p for p in schema["estimators"][index]["params"] if "flag" in p]
    for p in settings:
        clf = WRAPPED[index][0]()
        name = p["name"]
        setter = getattr(clf, "set" + name[0].upper() + name[1:])
        for value in _samples(p):
            try:
                returned = setter(value)
                break
            except ValueError:
                continue
        else:
            pytest.fail(f"no sample value of {name} is valid: {_samples(p)}")
        assert returned is clf
        assert getattr(clf, "get" + name[0].upper() + name[1:])() == value, name
        java = clf._java_obj
        assert java.isSet(java.getParam(name)), name
        assert _java_value(java.getOrDefault(java.getParam(name))) == value, name


def test_keyword_constructor_and_setParams_store_the_canonical_spelling(spark: Any) -> None:
    clf = DownhillClassifier(
        modelType="MLP", hiddenLayers=(64, 32), activation="leaky", precision="double",
        optimizer=" Adam", loss="hinge", seed=7, featuresCol="f", labelCol="y",
    )
    assert clf.getModelType() == "mlp"
    assert clf.getHiddenLayers() == [64, 32]
    assert clf.getActivation() == "leaky-relu"
    assert clf.getPrecision() == "float64"
    assert clf.getOptimizer() == "adam"
    assert clf.getLoss() == "svm"
    assert clf.getSeed() == 7
    assert (clf.getFeaturesCol(), clf.getLabelCol()) == ("f", "y")
    assert clf._java_obj.getActivation() == "leaky-relu"

    assert clf.setParams(learningRate=0.01, epochs=3) is clf
    assert (clf.getLearningRate(), clf.getEpochs(), clf.getOptimizer()) == (0.01, 3, "adam")
    clf.setParams(hiddenLayers=None)  # None: back to the default
    assert not clf.isSet(clf.hiddenLayers) and clf.getHiddenLayers() == []
    assert not clf._java_obj.isSet(clf._java_obj.getParam("hiddenLayers"))

    copy = clf.copy({clf.epochs: 5})
    assert (copy.getEpochs(), clf.getEpochs(), copy.getActivation()) == (5, 3, "leaky-relu")


def _java_message(call: Callable[[], Any]) -> str:
    """The message of the exception a direct call into the JVM throws."""
    try:
        call()
    except Py4JJavaError as e:
        return str(e.java_exception.getMessage())
    except CapturedException as e:
        return str(e._desc)
    raise AssertionError("the JVM accepted it")


@pytest.mark.parametrize(
    "setter, value, shown",
    [
        ("setLearningRate", -1.0, "-1.0"),
        ("setOptimizer", "adamx", "adamx"),
        ("setHiddenLayers", [64, 0], "[64, 0]"),
        ("setValidationFraction", 1.0, "1.0"),
        ("setBatchSize", -1, "-1"),
        ("setEarlyStopping", "val_f1", "val_f1"),
    ],
)
def test_a_bad_value_is_refused_when_set_with_the_jvms_message(
    spark: Any, jvm: Any, setter: str, value: Any, shown: str
) -> None:
    clf = DownhillClassifier(learningRate=0.5, optimizer="adam")
    before = clf.extractParamMap()
    with pytest.raises(ValueError) as refused:
        getattr(clf, setter)(value)
    java = jvm.io.downhill.ml.DownhillClassifier()
    if isinstance(value, list):
        array = spark.sparkContext._gateway.new_array(jvm.int, len(value))
        for i, v in enumerate(value):
            array[i] = v
        value_for_java = array
    else:
        value_for_java = value
    expected = _java_message(lambda: getattr(java, setter)(value_for_java))
    param = setter[3].lower() + setter[4:]
    assert expected.startswith(f"DownhillClassifier parameter {param}: invalid value {shown}; allowed: ")
    assert str(refused.value) == expected
    assert clf.extractParamMap() == before, "a refused value changes nothing"
    assert clf._java_obj.getLearningRate() == 0.5


def test_bad_values_are_refused_by_the_constructor_and_setParams_too(spark: Any) -> None:
    with pytest.raises(ValueError, match=r"^DownhillClassifier parameter learningRate: invalid value -1\.0; allowed: a finite number > 0, or auto \(0\)$"):
        DownhillClassifier(learningRate=-1.0)
    clf = DownhillClassifier()
    with pytest.raises(ValueError, match=r"parameter dropout: invalid value 1\.5; allowed: a number in \[0, 1\)"):
        clf.setParams(epochs=3, dropout=1.5)
    with pytest.raises(TypeError, match='Invalid param value given for param "epochs"'):
        clf.setEpochs("ten")  # type: ignore[arg-type]


def test_the_jar_pyspark_and_the_jvm_are_one_spark_version(spark: Any) -> None:
    assert spark.version == downhill.SPARK_VERSION == pyspark.__version__
    major, minor = downhill.SPARK_VERSION.split(".")[:2]
    check_pyspark(f"{major}.{minor}.99")
    with pytest.raises(ImportError, match=rf"built for Spark {major}\.{minor} .* but pyspark {major}\.{int(minor) + 1}\.0 is installed"):
        check_pyspark(f"{major}.{int(minor) + 1}.0")


def test_importing_downhill_with_another_pyspark_minor_fails_at_once() -> None:
    code = "import pyspark; pyspark.__version__ = '3.5.1'; import downhill"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=python_env(), timeout=120)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ImportError: downhill {downhill.__version__} is built for Spark "), run.stderr
    assert "but pyspark 3.5.1 is installed: install pyspark" in last, run.stderr


def test_python_m_downhill_names_the_jar_in_the_package() -> None:
    run = subprocess.run([sys.executable, "-m", "downhill", "jar"], capture_output=True, text=True, env=python_env(), timeout=120)
    assert run.returncode == 0, run.stderr
    jar = Path(run.stdout.strip())
    assert jar.is_file() and jar.parent == Path(downhill.__file__).parent / "jars", jar
    version = subprocess.run([sys.executable, "-m", "downhill", "version"], capture_output=True, text=True, env=python_env(), timeout=120)
    assert version.stdout.strip() == f"downhill {downhill.__version__} (Spark {downhill.SPARK_VERSION})"


def test_a_session_started_without_the_jar_is_told_how_to_get_it() -> None:
    code = (
        "from pyspark.sql import SparkSession\n"
        "SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').getOrCreate()\n"
        "import downhill\n"
        "try:\n"
        "    downhill.DownhillClassifier()\n"
        "except RuntimeError as e:\n"
        "    print('refused:', e)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=python_env(), timeout=300)
    assert run.returncode == 0, run.stderr
    assert "refused: downhill: io.downhill.ml.DownhillClassifier is not on this Spark session's classpath" in run.stdout
    assert "downhill.spark_session()" in run.stdout and "--jars $(python -m downhill jar)" in run.stdout
