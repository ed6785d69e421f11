"""The application file for spark-submit, which runs a file rather than a module:

    app=$(python -c 'import case2code.spark.submit as m; print(m.__file__)')
    spark-submit [--master ...] "$app" NOTES OUT [--format jsonl] [...]

is `case2code spark NOTES OUT ...` under spark-submit's master and configuration. Absolute
imports only: spark-submit runs this file as a script, outside its package.
"""

import sys

from case2code.cli import main

if __name__ == "__main__":
    sys.argv[1:1] = ["spark"]
    main()
