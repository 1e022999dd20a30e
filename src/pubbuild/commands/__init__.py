"""The commands of the command line, one module each: ``add_parser(sub, common)`` declares the
command's options, ``run(args) -> int`` calls the library, prints and returns the exit status.
:mod:`pubbuild.cli` only parses and dispatches; :data:`COMMANDS` is its list, in ``--help``
order.  Like :mod:`pubbuild.cli`, these modules may print; the library never does.
"""

from __future__ import annotations

from . import batch, build, check, deposit, explain, init, normalize, one_format, schema, serve

#: Each command module, in the order ``pubbuild --help`` lists them (``one_format`` adds one command
#: per registered backend: ``epub``, ``pdf``).
COMMANDS = (one_format, normalize, serve, build, check, deposit, batch, init, explain, schema)

__all__ = ["COMMANDS"]
