"""One module per subcommand of the CLI, each with ``run(args) -> int``.

Each parses nothing (cli.py did), calls the library, renders, and returns the exit code.
"""
