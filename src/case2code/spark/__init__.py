"""Scale-out: code a Spark DataFrame of notes on the executors (`pip install 'case2code[spark]'`).

    from case2code.spark import code_dataframe
    coded = code_dataframe(spark.read.parquet("notes/"), text_col="text", id_col="id")
    coded.write.parquet("coded/")

See docs/spark.md for running on a cluster and sizing it.
"""

from .frame import code_dataframe
from .schema import COLUMNS, output_schema

__all__ = ["COLUMNS", "code_dataframe", "output_schema"]
