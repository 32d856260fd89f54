"""The ``opspor`` command line (entry point :func:`detection.cli.main.main`). Nothing
outside this package imports it."""
