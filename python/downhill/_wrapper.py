"""
What every Downhill wrapper shares: a Java object made in a JVM checked to hold Downhill's jar,
training settings checked by the JVM when they are set, and persistence that finds Downhill's Java
classes (pyspark's readers only know ``org.apache.spark`` ones).

pyspark finds the Python class of a saved or Java stage by renaming its Java package
(``org.apache.spark.ml.X`` to ``pyspark.ml.X``), which cannot name ``io.downhill.ml`` classes. So
importing ``downhill`` wraps the two places that do it, ``JavaParams._from_java`` (a Java object:
the readers, ``Pipeline._from_java``, tuning models) and ``DefaultParamsReader.loadParamsInstance``
(a saved stage: ``PipelineModel.load``, ``CrossValidatorModel.load``): a Downhill class goes to its
wrapper here, any other to pyspark's own code unchanged.
"""

from typing import Any, Callable, ClassVar, Dict, FrozenSet, Optional, Type, TypeVar

from py4j.protocol import Py4JJavaError
from pyspark.errors.exceptions.captured import CapturedException
from pyspark.ml.linalg import DenseVector
from pyspark.ml.util import DefaultParamsReader, JavaMLReadable, JavaMLReader
from pyspark.ml.wrapper import JavaModel, JavaParams

from downhill._jar import require_jvm
from downhill.summary import DownhillTrainingSummary

_REGISTRY: Dict[str, Type[JavaParams]] = {}

W = TypeVar("W", bound="_DownhillEstimator")


class _DownhillReader(JavaMLReader):
    """A JavaMLReader of a Downhill class: the Java reader is that of the wrapper's Java class."""

    @classmethod
    def _java_loader_class(cls, clazz: Type[Any]) -> str:
        return clazz._java_class_name


class _DownhillReadable(JavaMLReadable):
    """
    ``read()`` and ``load(path)`` of a Downhill wrapper; a subclass names its Java class in
    ``_java_class_name`` and is found under that name when a pipeline or a tuning model is loaded.
    """

    _java_class_name: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_java_class_name" in cls.__dict__:
            _REGISTRY[cls.__dict__["_java_class_name"]] = cls

    @classmethod
    def read(cls) -> _DownhillReader:
        """Returns an MLReader instance for this class."""
        require_jvm()
        return _DownhillReader(cls)


class _DownhillEstimator(JavaParams):
    """
    The estimator side: its Java object is made only in a JVM that has Downhill's classes, and each
    training setting (``_downhill_settings``) is set through the Java setter, which validates it and
    stores its canonical spelling: a bad value raises ValueError with the JVM's message at once
    (``DownhillClassifier parameter learningRate: invalid value -1.0; allowed: a finite number > 0, or auto (0)``),
    not at ``fit``. ``None`` clears a setting back to its default.
    """

    _java_class_name: ClassVar[str]
    _downhill_settings: ClassVar[FrozenSet[str]] = frozenset()

    def _new_downhill_java_obj(self) -> Any:
        require_jvm()
        return self._new_java_obj(self._java_class_name, self.uid)

    def _set(self: W, **kwargs: Any) -> W:
        java_obj = getattr(self, "_java_obj", None)
        for name in list(kwargs):
            if name not in self._downhill_settings or java_obj is None:
                continue
            param = self.getParam(name)
            value = kwargs[name]
            if value is None:
                self.clear(param)
                java_obj.clear(java_obj.getParam(name))
                del kwargs[name]
                continue
            try:
                value = param.typeConverter(value)
            except TypeError as e:
                raise TypeError(f'Invalid param value given for param "{name}". {e}') from None
            kwargs[name] = _checked_by_java(java_obj, name, value)
        return super()._set(**kwargs)


class _DownhillModel(JavaModel):
    """
    What both fitted models answer the same way, from their Java object: the training summary, the
    loss name, θ and the description.
    """

    @property
    def hasSummary(self) -> bool:
        """Whether the model has a training summary (one that ``fit`` made, or one loaded with it)."""
        return bool(self._call_java("hasSummary"))

    @property
    def summary(self) -> DownhillTrainingSummary:
        """
        The training summary: per-epoch loss and scores per split (accuracy for a classifier; RMSE,
        MAE and R² for a regressor), steps, how training ended.
        """
        if not self.hasSummary:
            raise RuntimeError(f"No training summary available for this {self.__class__.__name__}")
        return DownhillTrainingSummary(self._java_obj.summary().json())

    @property
    def lossName(self) -> str:
        """The loss the model was trained with: ``softmax``, ``svm``, ``logistic`` or ``squared``."""
        return str(self._java_obj.lossName())

    @property
    def weights(self) -> DenseVector:
        """
        θ, the flat parameter vector, in the layout of the saved model's ``layout`` column (a linear
        regression: the coefficients, then the intercept).
        """
        return DenseVector(list(self._java_obj.weights()))

    def __repr__(self) -> str:
        return str(self._java_obj.toString())


def _checked_by_java(java_obj: Any, name: str, value: Any) -> Any:
    """``value`` set through the Java setter of ``name``, read back as the JVM stored it."""
    sc = require_jvm()
    java_value = value
    if isinstance(value, list):
        assert sc._gateway is not None
        java_value = sc._gateway.new_array(sc._gateway.jvm.int, len(value))
        for i, v in enumerate(value):
            java_value[i] = v
    setter: Callable[[Any], Any] = getattr(java_obj, "set" + name[0].upper() + name[1:])
    try:
        setter(java_value)
    except Py4JJavaError as e:
        raise ValueError(str(e.java_exception.getMessage())) from None
    except CapturedException as e:
        raise ValueError(_message(e)) from None
    stored = java_obj.getOrDefault(java_obj.getParam(name))
    return list(stored) if isinstance(value, list) else stored


def _message(e: CapturedException) -> str:
    """The Java exception's own message, without the JVM's stack trace pyspark appends to it."""
    desc = getattr(e, "_desc", None)
    return str(desc) if desc else str(e).split("\n\nJVM stacktrace:", 1)[0]


_pyspark_from_java: Callable[[Any], Any] = getattr(JavaParams._from_java, "_pyspark", JavaParams._from_java)


def _from_java(java_stage: Any) -> Any:
    """pyspark's ``JavaParams._from_java``, knowing Downhill's classes."""
    py_type: Optional[Type[JavaParams]] = _REGISTRY.get(java_stage.getClass().getName())
    if py_type is None:
        return _pyspark_from_java(java_stage)
    py_stage = py_type()
    py_stage._java_obj = java_stage
    if issubclass(py_type, JavaModel):
        py_stage._create_params_from_java()
    py_stage._resetUid(java_stage.uid())
    py_stage._transfer_params_from_java()
    return py_stage


_pyspark_load_params_instance: Callable[[str, Any], Any] = getattr(
    DefaultParamsReader.loadParamsInstance, "_pyspark", DefaultParamsReader.loadParamsInstance
)


def _load_params_instance(path: str, sc: Any) -> Any:
    """pyspark's ``DefaultParamsReader.loadParamsInstance``, knowing Downhill's classes."""
    py_type = _REGISTRY.get(DefaultParamsReader.loadMetadata(path, sc)["class"])
    if py_type is None:
        return _pyspark_load_params_instance(path, sc)
    return py_type.load(path)  # type: ignore[attr-defined]


_from_java._pyspark = _pyspark_from_java  # type: ignore[attr-defined]
_load_params_instance._pyspark = _pyspark_load_params_instance  # type: ignore[attr-defined]
JavaParams._from_java = staticmethod(_from_java)  # type: ignore[method-assign, assignment]
DefaultParamsReader.loadParamsInstance = staticmethod(_load_params_instance)  # type: ignore[method-assign]
