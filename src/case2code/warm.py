"""Loads the KB and the lexicon when imported. Only the forkserver of batch workers imports this
(`workers._context`): every worker is forked from that server with both already in memory,
shared copy-on-write, so a worker, or one replacing a stopped worker, starts in milliseconds
instead of loading its own copy. Nothing else may import it: loading is lazy everywhere else."""

from .kb import get_kb
from .nlp.lexicon import get_lexicon

get_kb()
get_lexicon()
