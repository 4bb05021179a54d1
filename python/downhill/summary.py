"""The training summary of a fitted Downhill model, as a plain Python object."""

import json
import math
from typing import Any, Dict, List

#: The splits a fit can evaluate each epoch, and their keys in the summary's JSON.
SPLITS: Dict[str, str] = {"train": "train", "validation": "val", "test": "test"}


class DownhillTrainingSummary:
    """
    What a fit went through, what pyspark's ``LogisticRegressionTrainingSummary`` tells for Spark's
    own classifiers: per epoch the loss and accuracy (a regressor's: RMSE, MAE and R²) of every
    split evaluated (the training rows, and the validation rows when ``validationFraction > 0``),
    the objective's history, the steps taken and how training ended. Read from the JSON summary saved with the model
    (``summary.json``), so a loaded model has it too; it needs neither the JVM nor pandas.
    :py:meth:`get` reaches the fields without a property (``settings``, ``data_identity``,
    ``spark_version``, ``init_model``, ...).
    """

    def __init__(self, json_text: str) -> None:
        self._json = json_text
        self._data: Dict[str, Any] = json.loads(json_text)

    @property
    def json(self) -> str:
        """The summary as JSON text, as saved in ``summary.json``."""
        return self._json

    def get(self, field: str, default: Any = None) -> Any:
        """One field of the summary, e.g. ``get("stop_reason")``, ``get("data_identity")["fingerprint"]``."""
        return self._data.get(field, default)

    @property
    def epochs(self) -> int:
        """Epochs run (fewer than asked when early stopping ended the fit)."""
        return len(self._epochs())

    @property
    def totalIterations(self) -> int:
        """Optimizer steps over the whole fit (for the ``gd`` algorithm, its iterations)."""
        return int(self._data.get("steps", 0))

    @property
    def objectiveHistory(self) -> List[float]:
        """
        Per epoch, the mean training loss over every training row at the epoch's end (the data term:
        the regularization is not recorded): ``loss("train")``.
        """
        return self.loss("train")

    @property
    def splits(self) -> List[str]:
        """The splits evaluated every epoch, of ``"train"``, ``"validation"`` and ``"test"``."""
        epochs = self._epochs()
        first = epochs[0] if epochs else {}
        return [name for name, key in SPLITS.items() if key + "_loss" in first]

    def loss(self, split: str = "train") -> List[float]:
        """Per epoch, ``split``'s (weighted) mean loss; NaN where it was not finite or not evaluated."""
        return self._per_epoch(split, "loss")

    def accuracy(self, split: str = "train") -> List[float]:
        """Per epoch, ``split``'s accuracy; NaN where it was not evaluated (and for a regressor)."""
        return self._per_epoch(split, "accuracy")

    def rmse(self, split: str = "train") -> List[float]:
        """Per epoch, a regressor's root mean squared error on ``split``; NaN where not evaluated."""
        return self._per_epoch(split, "rmse")

    def mae(self, split: str = "train") -> List[float]:
        """Per epoch, a regressor's mean absolute error on ``split``; NaN where not evaluated."""
        return self._per_epoch(split, "mae")

    def r2(self, split: str = "train") -> List[float]:
        """Per epoch, a regressor's coefficient of determination R² on ``split``; NaN where not evaluated."""
        return self._per_epoch(split, "r2")

    @property
    def bestEpoch(self) -> int:
        """The epoch whose weights the model holds, from 1 (the best under early stopping, else the last)."""
        return int(self._data.get("best_epoch", 0))

    @property
    def stopReason(self) -> str:
        """Why training ended: ``"epochs"``, ``"early stopping"``, ..."""
        return str(self._data.get("stop_reason", ""))

    def _epochs(self) -> List[Dict[str, Any]]:
        return list(self._data.get("epoch_metrics", []))

    def _per_epoch(self, split: str, metric: str) -> List[float]:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
        field = SPLITS[split] + "_" + metric
        out = []
        for epoch in self._epochs():
            value = epoch.get(field)
            out.append(float(value) if isinstance(value, (int, float)) else math.nan)
        return out

    def __repr__(self) -> str:
        return (
            f"DownhillTrainingSummary(epochs={self.epochs}, totalIterations={self.totalIterations}, "
            f"bestEpoch={self.bestEpoch}, stopReason={self.stopReason!r})"
        )
