"""
``python -m downhill jar`` prints the path of Downhill's jar in this package, for
``spark-submit --jars $(python -m downhill jar) app.py``; ``python -m downhill version`` prints
Downhill's version and the Spark version its jar was built with.
"""

import sys

import downhill


def main(argv: list) -> int:
    if argv == ["jar"]:
        print(downhill.jar_path())
        return 0
    if argv == ["version"]:
        print(f"downhill {downhill.__version__} (Spark {downhill.SPARK_VERSION})")
        return 0
    print("usage: python -m downhill jar|version", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
